import { CfnOutput } from 'aws-cdk-lib';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  ERP_INSTANCES_ENV_VAR,
  erpInstanceEnvVars,
  erpInstancesVariable,
  type ErpInstance,
} from '../../application/erp-instances';
import type { FunctionDefinition, FunctionKey } from '../../application/functions';
import { SECRETS, pascalCase } from '../../application/resources';
import { vendorSecret } from './integration-secrets';
import type { SupplylineFunction } from './supplyline-function';

/** Properties of {@link ErpInstanceSecrets}. */
export interface ErpInstanceSecretsProps {
  /** The ERP instances the environment declares, primary first; none: the single-ERP settings apply. */
  readonly erpInstances?: readonly ErpInstance[];
  readonly retainData: boolean;
}

/**
 * The credentials secret of every ERP instance past the primary (whose secret is the single-ERP
 * `erpCredentials`, application/resources.ts), and what an ERP caller needs of each instance. A new
 * instance adds its own secret here and changes nothing of the primary's resources (ADR 0013).
 */
export class ErpInstanceSecrets extends Construct {
  /** The further instances' secrets by instance name. */
  public readonly secrets: Readonly<Record<string, secretsmanager.Secret>>;
  private readonly instances: readonly ErpInstance[];

  constructor(scope: Construct, id: string, props: ErpInstanceSecretsProps) {
    super(scope, id);
    this.instances = props.erpInstances ?? [];
    const secrets: Record<string, secretsmanager.Secret> = {};
    for (const instance of this.instances.slice(1)) {
      const secret = vendorSecret(
        this,
        `${pascalCase(instance.name)}Credentials`,
        {
          ...SECRETS.erpCredentials,
          description: `ERP instance ${instance.name} credentials (set username/password after deploy)`,
        },
        props.retainData,
      );
      new CfnOutput(this, `${pascalCase(instance.name)}CredentialsSecretArn`, { value: secret.secretArn });
      secrets[instance.name] = secret;
    }
    this.secrets = secrets;
  }

  /** Gives every function of `catalog` that calls the ERP (connector `erp`) each declared instance. */
  public bindCallers(
    catalog: readonly FunctionDefinition[],
    functions: Readonly<Record<FunctionKey, SupplylineFunction>>,
  ): void {
    for (const definition of catalog)
      if (definition.grants.connectors?.includes('erp')) this.bind(functions[definition.key]);
  }

  /**
   * The primary's connection in the single-ERP variables, each further one's in its own, read
   * access to each further secret, and the routing.
   */
  private bind(fn: SupplylineFunction): void {
    const routing = erpInstancesVariable(this.instances);
    this.instances.forEach((instance, index) => {
      const vars = erpInstanceEnvVars(instance.name, index);
      fn.addEnvironment(vars.baseUrl, instance.baseUrl);
      fn.addEnvironment(vars.database, instance.database);
      fn.addEnvironment(vars.protocol, instance.protocol);
      const secret = this.secrets[instance.name];
      if (secret) fn.bindSecret(secret, vars.credentialsSecretArn);
    });
    if (routing !== undefined) fn.addEnvironment(ERP_INSTANCES_ENV_VAR, routing);
  }
}
