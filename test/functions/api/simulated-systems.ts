/**
 * The ERP and procurement simulators over HTTP, with the environment and the secrets (mocked at the
 * SDK boundary) the connectors read, for the handler tests that reach both systems like Lambda.
 */
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { procurementSeed } from '../../../local/seed/master-data';
import { ErpSimulatorServer } from '../../../local/simulators/erp/server';
import { ProcurementSimulator } from '../../../local/simulators/procurement/server';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TASK_ENVIRONMENT, dynamo, eventBridge, secrets } from '../workflow/support';

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

/**
 * Two business units: east, the primary on the simulator startSimulatedSystems starts, holding
 * WH-EAST, and west holding WH-WEST, each with its own request budget (ERP_INSTANCES).
 */
export const TWO_UNITS = [
  { name: 'east', warehouses: ['WH-EAST'], requestBudget: { requestsPerSecond: 20, burst: 40 } },
  { name: 'west', warehouses: ['WH-WEST'], requestBudget: { requestsPerSecond: 5, burst: 5 } },
];

/** Starts west's own ERP simulator and points its variables at it (after startSimulatedSystems). */
export async function startWestInstance(options: Parameters<typeof ErpSimulatorServer.start>[0] = {}) {
  const west = await ErpSimulatorServer.start(options);
  Object.assign(process.env, {
    ERP_WEST_BASE_URL: west.url,
    ERP_WEST_DATABASE: 'simulator',
    ERP_WEST_PROTOCOL: 'supplyline-rpc',
    ERP_WEST_CREDENTIALS_SECRET_ARN: 'arn:erp-west',
  });
  return west;
}

/** West's ERP secret, as the mocked Secrets Manager answers it (after a mock reset). */
export function answerWestSecret(): void {
  secrets
    .on(GetSecretValueCommand, { SecretId: 'arn:erp-west' })
    .resolves({ SecretString: JSON.stringify({ username: 'simulator', password: 'simulator' }) });
}

/**
 * Before each test of two units: the AWS mocks reset, both units' secrets answered, a closed
 * breaker and granted budget windows, and no ERP call recorded yet.
 */
export function resetTwoUnits(...erps: readonly ErpSimulatorServer[]): void {
  for (const mock of [secrets, dynamo, eventBridge]) mock.reset();
  answerConnectorSecrets();
  answerWestSecret();
  dynamo.on(GetCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({ Attributes: { used: 1 } });
  for (const erp of erps) erp.calls.length = 0;
}

/** Closes every simulator started (those that did start). */
export async function closeAll(
  ...systems: readonly ({ close(): Promise<void> } | undefined)[]
): Promise<void> {
  for (const system of systems) await system?.close();
}
