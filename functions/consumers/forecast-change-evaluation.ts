/**
 * Bulk lane consumer of `forecast.lines-changed`: each changed line that may need action is turned
 * into a forecast exception (domain/forecast-sync/change-exceptions.ts: the conservative mapping)
 * and goes through the same evaluation as a planner's exception (domain/commitment/evaluation.ts),
 * which may start the purchase-commitment workflow.
 *
 * Cost per message (up to 2,000 lines): new lines and uplifts below their class threshold are
 * settled without any call; the open sourcing requests are listed once per message (all pages,
 * `lane: 'bulk'`) and served to each line's evaluation from memory; the ERP on-hand balance is read
 * once per (item, warehouse). A retried message re-evaluates its lines: the evaluation's event and
 * the workflow execution are keyed per line and plan version, so repeats are suppressed downstream.
 *
 * Environment: SUPPLYLINE_BUSINESS_RULES (thresholds, site -> warehouse), BULK_EVALUATION_SETTINGS
 * (optional JSON: defaultVelocityClass, velocityClassByItem, packSizeByItem),
 * PURCHASE_COMMITMENT_STATE_MACHINE_ARN, the connectors' (PROCUREMENT_BASE_URL,
 * PROCUREMENT_OAUTH_SECRET_ARN, ERP_BASE_URL, ERP_DATABASE, ERP_CREDENTIALS_SECRET_ARN,
 * CIRCUIT_BREAKER_TABLE_NAME, WORKFLOW_CORRELATION_TABLE_NAME for the supply store), TENANT_ID and
 * the consumer framework's.
 */
import { validateForecastLinesChangedV1 } from '../../canonical/generated/validators';
import { createHash } from 'node:crypto';
import type { ErpInstances } from '../../domain/business-units';
import type { SourcingRequest, SourcingRequestCriteria } from '../../domain/ports/procurement';
import type { ForecastLinesChangedV1 } from '../../canonical/generated/types';
import { evaluateForecastException, type EvaluationPorts } from '../../domain/commitment/evaluation';
import { BusinessRejection } from '../../domain/failures';
import { candidateLines, exceptionEventFor, type BulkEvaluationSettings } from '../../domain/forecast-sync';
import { canonicalValidators, type ConsumerContext } from '../commons/consumer';
import { changeEvaluationPorts } from '../commons/commitment-ports';
import { consumerHandler } from './composition';

export interface ChangeEvaluationPorts extends Omit<EvaluationPorts, 'procurement'> {
  procurement: { listSourcingRequests: EvaluationPorts['procurement']['listSourcingRequests'] };
  /** The ERP instances; each warehouse's stock is read in its own instance. */
  erps: Pick<ErpInstances, 'forWarehouse'>;
  warehouseForSite(site: string): string | undefined;
  bulk: BulkEvaluationSettings;
}

export interface ChangeEvaluationReport {
  lines: number;
  evaluated: number;
  skipped: Record<string, number>;
  outcomes: Record<string, number>;
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex');

/** Evaluates the lines of one `forecast.lines-changed` batch. */
export async function evaluateForecastChanges(
  event: ForecastLinesChangedV1,
  ctx: Pick<ConsumerContext, 'logger'>,
  ports: ChangeEvaluationPorts,
): Promise<ChangeEvaluationReport> {
  const { candidates, skipped } = candidateLines(event.data, ports.policy, ports.bulk);
  const report: ChangeEvaluationReport = {
    lines: event.data.lines.length,
    evaluated: 0,
    skipped: { ...skipped },
    outcomes: {},
  };
  const skip = (reason: string) => (report.skipped[reason] = (report.skipped[reason] ?? 0) + 1);

  // One listing of the open requests per message, answered per line from memory.
  let openRequests: Promise<SourcingRequest[]> | undefined;
  const procurement: EvaluationPorts['procurement'] = {
    listSourcingRequests: async (criteria: SourcingRequestCriteria = {}) => {
      openRequests ??= ports.procurement.listSourcingRequests({ status: 'open' }, { lane: 'bulk' });
      return (await openRequests).filter(
        (request) =>
          (criteria.itemCode === undefined || request.itemCode === criteria.itemCode) &&
          (criteria.site === undefined || request.site === criteria.site) &&
          (criteria.status === undefined || request.status === criteria.status),
      );
    },
  } as EvaluationPorts['procurement'];
  // The ports are getters (built on first use): override one by a property descriptor, not by assignment.
  const evaluationPorts = Object.create(ports, {
    procurement: { value: procurement, enumerable: true },
  }) as EvaluationPorts;
  const onHand = new Map<string, Promise<string | undefined>>();

  for (const candidate of candidates) {
    const { itemCode, site } = candidate.line;
    const warehouse = ports.warehouseForSite(site);
    if (!warehouse) {
      skip('UNMAPPED_SITE');
      continue;
    }
    const key = `${itemCode}\u0000${warehouse}`;
    if (!onHand.has(key))
      onHand.set(
        key,
        ports.erps
          .forWarehouse(warehouse)
          .getInventoryBalance(itemCode, warehouse)
          .then(
            (balance) => balance.onHandEa,
            (error: unknown) => {
              // An item or warehouse the ERP does not know cannot be ordered anyway.
              if (error instanceof BusinessRejection) return undefined;
              throw error;
            },
          ),
      );
    const projectedOnHandEa = await onHand.get(key)!;
    if (projectedOnHandEa === undefined) {
      skip('UNKNOWN_TO_ERP');
      continue;
    }
    const exception = exceptionEventFor(event, candidate, {
      projectedOnHandEa,
      settings: ports.bulk,
      hash,
      now: ports.now,
      newId: ports.newId,
    });
    const { outcome } = await evaluateForecastException(exception, evaluationPorts);
    report.evaluated++;
    report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
  }
  for (const [reason, count] of Object.entries(report.skipped))
    if (count > 0) ports.metric?.('ForecastChangesWithoutEvaluation', count, 'Count', { Reason: reason });
  ctx.logger.info('forecast line changes evaluated', { batchId: event.data.batchId, ...report });
  return report;
}

export const handler = consumerHandler({
  name: 'forecast-change-evaluation',
  validators: canonicalValidators({ 'forecast.lines-changed': validateForecastLinesChangedV1 }),
  process: async (event, ctx) => {
    await evaluateForecastChanges(event as ForecastLinesChangedV1, ctx, changeEvaluationPorts());
  },
});
