/**
 * The ERP and procurement simulators over HTTP, with the environment and the secrets (mocked at the
 * SDK boundary) the connectors read, for the handler tests that reach both systems like Lambda.
 */
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { procurementSeed } from '../../../local/seed/master-data';
import { ErpSimulatorServer } from '../../../local/simulators/erp/server';
import { ProcurementSimulator } from '../../../local/simulators/procurement/server';
import { TASK_ENVIRONMENT, secrets } from '../workflow/support';

/** Starts both simulators and points the connectors' environment variables at them. */
export async function startSimulatedSystems(extraEnvironment: Record<string, string> = {}) {
  const erp = await ErpSimulatorServer.start();
  const procurement = await ProcurementSimulator.start(procurementSeed());
  Object.assign(process.env, {
    ...TASK_ENVIRONMENT,
    PROCUREMENT_OAUTH_SECRET_ARN: 'arn:procurement',
    PROCUREMENT_BASE_URL: procurement.url,
    ERP_CREDENTIALS_SECRET_ARN: 'arn:erp',
    ERP_BASE_URL: erp.url,
    ERP_DATABASE: 'simulator',
    ERP_PROTOCOL: 'supplyline-rpc',
    ...extraEnvironment,
  });
  return { erp, procurement };
}

/** The connectors' secrets, as the mocked Secrets Manager answers them (after a mock reset). */
export function answerConnectorSecrets(): void {
  secrets.on(GetSecretValueCommand, { SecretId: 'arn:procurement' }).resolves({
    SecretString: JSON.stringify({ client_id: 'supplyline', client_secret: 'supplyline-secret' }),
  });
  secrets
    .on(GetSecretValueCommand, { SecretId: 'arn:erp' })
    .resolves({ SecretString: JSON.stringify({ username: 'simulator', password: 'simulator' }) });
}
