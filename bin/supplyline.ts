/**
 * The Supplyline CDK app: `cdk synth|deploy -c env=dev|staging|prod`.
 * Optional context: `-c account=123456789012 -c region=eu-west-1 -c alarmEmails=ops@example.com
 * -c tenantId=acme -c procurementBaseUrl=https://... -c erpBaseUrl=https://... -c erpDatabase=...`
 * (see application/environments.ts). Every catalog handler must exist: a missing one fails synth.
 * `-c accountSetup=true` synthesizes the account-level stack instead (lib/account-stack.ts).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadApiModels } from '../lib/api-models';
import { loadEnvironmentConfig } from '../application/environments';
import { ACCOUNT_STACK_NAME, SupplylineAccountStack } from '../lib/account-stack';
import { PROJECT_ROOT, SupplylineStack } from '../lib/supplyline-stack';

const app = new App();

try {
  if (String(app.node.tryGetContext('accountSetup')) === 'true') {
    // Once per account and region: the settings no environment's stack may own (lib/account-stack.ts).
    const region = app.node.tryGetContext('region') ?? process.env.CDK_DEFAULT_REGION;
    new SupplylineAccountStack(app, ACCOUNT_STACK_NAME, {
      env: { account: app.node.tryGetContext('account') ?? process.env.CDK_DEFAULT_ACCOUNT, region },
    });
  } else {
    const config = loadEnvironmentConfig(app.node.tryGetContext('env'), {
      context: (key) => app.node.tryGetContext(key),
      env: process.env,
    });
    new SupplylineStack(app, config.stackName, { config, apiModels: loadApiModels(PROJECT_ROOT) });
  }
} catch (error) {
  // Configuration and catalog errors are for people: the message, not a stack trace.
  console.error((error as Error).message);
  process.exit(1);
}

// cdk-nag 3: findings fail synth; acknowledgements live next to the resources they concern.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
