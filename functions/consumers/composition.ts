/**
 * The composition root of the queue consumers: the consumer framework (functions/commons/consumer.ts)
 * bound to the AWS ports named by the environment the CDK app sets, and each consumer's ports,
 * built once per execution environment from the shared adapters (functions/commons/adapters.ts).
 *
 * The consumers that take part in the procurement flow (acknowledgement-sync and the two
 * evaluations) get their ports from functions/commons/commitment-ports.ts instead: importing the
 * ERP and procurement connectors here would put them in every consumer's bundle.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { openForecastExport } from '../../adapters/planning/export-source';
import { ProcurementClient } from '../../adapters/procurement/client';
import { httpsRequiredIn } from '../../application/outbound';
import {
  CONNECTORS,
  DEAD_LETTER_QUEUE_URL_ENV_VAR,
  ENVIRONMENT_ENV_VAR,
  MAX_RECEIVE_COUNT_ENV_VAR,
  QUEUE_URL_ENV_VAR,
  SECRETS,
  TABLES,
} from '../../application/resources';
import {
  circuitBreaker,
  forecastSnapshots,
  forecastSyncRecords,
  integrationExceptions,
  postedCommitments,
  publish,
  secrets,
  syncLedger,
} from '../commons/adapters';
import { dynamo, env, lazy, sqs } from '../commons/clients';
import { createConsumer, type ConsumerOptions } from '../commons/consumer';
import { emitMetric, logger, metrics } from '../commons/powertools';
import type { ForecastSyncPorts } from './forecast-sync';
import type { ReceiptSyncPorts } from './receipt-sync';

/**
 * The SQS handler of a consumer. Environment: DEAD_LETTER_QUEUE_URL, IDEMPOTENCY_TABLE_NAME,
 * EVENT_BUS_NAME, and optionally MAX_RECEIVE_COUNT.
 */
export function consumerHandler(
  options: ConsumerOptions,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  let handle: ReturnType<typeof createConsumer> | undefined;
  return (event, context) => {
    handle ??= createConsumer(
      { ...options, maxReceiveCount: options.maxReceiveCount ?? optionalCount(MAX_RECEIVE_COUNT_ENV_VAR) },
      {
        sqs: sqs(),
        deadLetterQueueUrl: env(DEAD_LETTER_QUEUE_URL_ENV_VAR),
        // One queue per consumer (checked at synth): its URL comes from the deployment.
        queueUrlOf: () => env(QUEUE_URL_ENV_VAR),
        idempotency: { client: dynamo(), tableName: env(TABLES.idempotency.envVar) },
        publish: (canonical) => publish([canonical]),
        logger,
        metrics,
      },
    );
    return handle(event, context);
  };
}

function optionalCount(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`environment variable ${name} must be a positive integer`);
  return count;
}

/** `true` lets the export be fetched over plain http (the local runtime's simulator only). */
export const FORECAST_EXPORT_ALLOW_HTTP_ENV_VAR = 'FORECAST_EXPORT_ALLOW_HTTP';

/** forecast-sync: the bucket's snapshots and records, the export's URL, the bus. */
export const forecastSyncPorts = /* @__PURE__ */ lazy((): ForecastSyncPorts => {
  const allowHttp = process.env[FORECAST_EXPORT_ALLOW_HTTP_ENV_VAR] === 'true';
  return {
    store: forecastSnapshots(),
    records: forecastSyncRecords(),
    openExport: async (location) => (await openForecastExport(location, { allowHttp })).body,
    publish,
    metric: emitMetric,
    now: () => new Date(),
  };
});

/** integration-exception-recorder: the store the work list reads. */
export const exceptionStore = integrationExceptions;

/** receipt-sync: the posted commitments, the procurement purchase order calls, the ledger. */
export const receiptSyncPorts = /* @__PURE__ */ lazy((): ReceiptSyncPorts => {
  const commitments = postedCommitments();
  // LOCAL FACTORY: functions/commons/connectors.ts's procurement port has no purchase order calls yet.
  let client: { raw: string; value: ProcurementClient } | undefined;
  const procurement = async () => {
    const raw = await secrets().get(env(SECRETS[CONNECTORS.procurement.secret].envVar));
    if (client?.raw !== raw) {
      const secret = JSON.parse(raw) as Record<string, string>;
      client = {
        raw,
        value: new ProcurementClient({
          baseUrl: env(CONNECTORS.procurement.settings.procurementBaseUrl),
          requireHttps: httpsRequiredIn(process.env[ENVIRONMENT_ENV_VAR]),
          credentials: { clientId: secret.client_id ?? '', clientSecret: secret.client_secret ?? '' },
        }),
      };
    }
    return client.value;
  };
  return {
    findPoNumber: (externalRef) => commitments.poNumberOf(externalRef),
    procurement: {
      getPurchaseOrder: async (poNumber, options) => {
        const c = await procurement();
        return circuitBreaker().execute('procurement', () => c.getPurchaseOrder(poNumber, options));
      },
      updatePurchaseOrderStatus: async (poNumber, body, options) => {
        const c = await procurement();
        return circuitBreaker().execute('procurement', () =>
          c.updatePurchaseOrderStatus(poNumber, body, options),
        );
      },
    },
    ledger: syncLedger(),
    metric: emitMetric,
    now: () => new Date(),
  };
});
