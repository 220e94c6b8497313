/**
 * The seed's scenario, end to end on the local runtime: a planner's forecast uplift for a regional
 * distribution center becomes an exception, is evaluated, sourced, validated against ERP policy,
 * posted to the ERP as a purchase order and acknowledged by the supplier. When the supplier's EDI
 * partner simulator runs (`npm start`), the order reaches the partner as an 850 and its 997, 855
 * and 856 come back through the mailbox bucket.
 *
 * Everything is observed from the outside, as an operator would: the webhook answer, the canonical
 * events on the bus, the workflow executions and the governed sync-status API.
 */
import type { EventEnvelope } from '../eventbridge/bus';
import type { LocalEnvironment } from '../environment';
import { exceptionPerUnit, type UnitOrder } from './business-units';
import { acceptedEvent, forecastUplift, until } from './steps';

export { nextBucket } from './steps';

export interface ScenarioStep {
  atMs: number;
  what: string;
}

export interface ScenarioReport {
  ok: boolean;
  reason?: string;
  steps: ScenarioStep[];
  workflows: { name: string; status: string; path: string[] }[];
  externalRef?: string;
  poNumber?: string;
  erpNumber?: string;
  forecastToOrderSeconds?: number;
  syncLags: { from: string; to: string; lagSeconds: number | null }[];
  /** With business units: each unit's exception and the order in its own ERP. */
  units?: UnitOrder[];
  durationMs: number;
}

export async function runSeedScenario(
  environment: LocalEnvironment,
  options: { timeoutMs?: number } = {},
): Promise<ScenarioReport> {
  const { runtime, planning } = environment;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = Date.now();
  const steps: ScenarioStep[] = [];
  const step = (what: string) => steps.push({ atMs: Date.now() - started, what });
  const report: ScenarioReport = { ok: false, steps, workflows: [], syncLags: [], durationMs: 0 };
  const accepted = (type: string, match: (event: EventEnvelope) => boolean) =>
    acceptedEvent(runtime, type, match);
  const detail = (event: EventEnvelope) =>
    event.detail as Record<string, unknown> & { data: Record<string, unknown> };

  try {
    const exceptionId = `EXC-${Date.now().toString(36).toUpperCase()}`;
    const { event, delivery } = planning.sendForecastException(forecastUplift(exceptionId, 'DC-EAST-02'));
    step(
      `Planner's forecast uplift for SKU-10442 at DC-EAST-02: +40% (100 -> 140 cases of 12), exception ${exceptionId}`,
    );
    const status = await until(
      'the planning webhook answer',
      () =>
        delivery.state === 'delivered' || delivery.state === 'failed' || delivery.state === 'not_sent'
          ? delivery.state
          : undefined,
      timeoutMs,
    );
    const answer = delivery.attempts.at(-1);
    if (status !== 'delivered')
      throw new Error(`planning webhook not accepted: HTTP ${answer?.status ?? 'none'}`);
    step(`Webhook forecast.exception accepted by POST /v1/webhooks/planning (HTTP ${answer?.status ?? 202})`);
    const correlated = (e: EventEnvelope) => detail(e).correlationId === event.event_id;

    const raised = await until(
      'forecast-exception.raised',
      () => accepted('forecast-exception.raised', correlated),
      timeoutMs,
    );
    step(
      `forecast-exception.raised on the bus (quantities in eaches: forecast ${String(detail(raised).data.forecastQuantityEa)} EA)`,
    );
    const evaluated = await until(
      'forecast-exception.evaluated',
      () => accepted('forecast-exception.evaluated', correlated),
      timeoutMs,
    );
    step(
      `Evaluated: ${String(detail(evaluated).data.outcome)}, need ${String(detail(evaluated).data.needEa)} EA, order ${String(detail(evaluated).data.orderQuantityEa)} EA (rounded up to cases of 12)`,
    );
    const sourced = await until(
      'sourcing-request.created',
      () => accepted('sourcing-request.created', correlated),
      timeoutMs,
    );
    const sr = detail(sourced).data;
    step(
      `Sourcing request ${String(sr.requestId)} created in procurement: supplier ${String(sr.supplierNumber)}, ${String(sr.unitPrice)} ${String(sr.currency)} per each`,
    );
    const posted = await until(
      'purchase-order.posted',
      () => accepted('purchase-order.posted', correlated),
      timeoutMs,
    );
    const po = detail(posted).data;
    report.externalRef = String(po.externalRef);
    report.poNumber = String(po.poNumber);
    report.erpNumber = String(po.erpNumber);
    step(
      `ERP policies passed (item, warehouse ${String(po.warehouseCode)}, supplier, USD, monthly budget); purchase order ${report.poNumber} awarded and posted to the ERP as order ${report.erpNumber} (${String(po.totalValue)} USD)`,
    );

    const edi = environment.ediPartner;
    const ediFile = (setId: string) =>
      edi?.written.find((f) => f.setId === setId && f.poNumber.split(',').includes(report.poNumber!));
    if (edi) {
      const answered = await until('the EDI partner to answer the 850', () => ediFile('997'), timeoutMs);
      step(
        `850 for ${report.poNumber} reached EDI partner ${edi.partner.partnerId} (${answered.inReplyTo}); its 997 accepted it (${answered.key})`,
      );
    }
    const acknowledged = await until(
      'purchase-order.acknowledged',
      () => accepted('purchase-order.acknowledged', (e) => detail(e).data.poNumber === report.poNumber),
      timeoutMs,
    );
    const ackDetail = detail(acknowledged);
    const by855 = String(ackDetail.correlationId).startsWith('edi:') ? ediFile('855') : undefined;
    const confirmed = (
      ackDetail.data.lines as { lineNo: number; confirmedQuantityEa: string; confirmedDate: string }[]
    )
      .map((line) => `line ${line.lineNo} ${line.confirmedQuantityEa} EA by ${line.confirmedDate}`)
      .join(', ');
    step(
      `Supplier ${String(ackDetail.data.supplierNumber)} acknowledged ${report.poNumber} ${by855 ? `by EDI 855 (${by855.key}): ${confirmed}` : '(webhook purchase_order.acknowledged)'}`,
    );
    const ackExecution = await until(
      'the supplier-acknowledgement workflow to finish',
      () =>
        runtime
          .executions()
          .find(
            (execution) =>
              execution.stateMachineName.endsWith('supplier-acknowledgement') &&
              execution.status !== 'RUNNING',
          ),
      timeoutMs,
    );
    if (ackExecution.status !== 'SUCCEEDED')
      throw new Error(`acknowledgement workflow ${ackExecution.status}: ${ackExecution.error ?? ''}`);
    step('Acknowledgement applied to the ERP order; the acknowledgement workflow completed');
    if (edi) {
      const asn = await until('the EDI partner to send its 856', () => ediFile('856'), timeoutMs);
      // The product's 997 answers the partner's group, whose GS06 is the partner's ISA13.
      const validated = await until(
        "the product's 997 for the 856",
        () =>
          edi.acknowledgementsReceived.find(
            (a) => a.functionalId === 'SH' && Number(a.groupControlNumber) === Number(asn.controlNumber),
          ),
        timeoutMs,
      );
      if (validated.status !== 'A')
        throw new Error(`the 856 ${asn.key} was not accepted: ${JSON.stringify(validated.sets)}`);
      step(
        `ASN 856 ${asn.shipmentId ?? ''} (${asn.key}) received and validated: the product's 997 (${validated.key}) accepts it`,
      );
      // The embedded ERP simulator shows the draft receipt shipment-sync made of the milestone.
      const erp = environment.erp?.simulator;
      if (erp && asn.shipmentId) {
        const expected = await until(
          'the ERP to expect the ASN shipment',
          async () =>
            (await erp.listExpectedShipments(report.externalRef!)).find(
              (s) => s.shipmentId === asn.shipmentId,
            ),
          timeoutMs,
        );
        const lines = expected.lines.map((l) => `line ${l.lineNo} ${l.quantityEa} EA`).join(', ');
        step(
          `ASN reached the ERP: expected shipment ${expected.shipmentId} (${expected.state} receipt ${expected.receiptNumber}, planned ${expected.plannedDate}): ${lines}`,
        );
      }
    }

    const response = await fetch(
      `${runtime.baseUrl}/v1/purchase-orders/${encodeURIComponent(report.externalRef)}/sync`,
      {
        // The operations CLI's own token (client credentials) from the runtime's identity provider.
        headers: {
          'x-api-key': runtime.apiKey,
          authorization: `Bearer ${await runtime.identity.token({ application: 'ops-cli' })}`,
        },
      },
    );
    if (response.ok) {
      const sync = (await response.json()) as {
        lags: { fromSystem: string; toSystem: string; lagSeconds: number | null }[];
      };
      report.syncLags = sync.lags.map((lag) => ({
        from: lag.fromSystem,
        to: lag.toSystem,
        lagSeconds: lag.lagSeconds,
      }));
      const planningToErp = report.syncLags.find((lag) => lag.from === 'planning' && lag.to === 'erp');
      report.forecastToOrderSeconds = planningToErp?.lagSeconds ?? undefined;
      step(`GET /v1/purchase-orders/${report.externalRef}/sync answered ${response.status}`);
    } else {
      throw new Error(`sync status API answered ${response.status}: ${await response.text()}`);
    }
    if (environment.businessUnits) {
      const { site, warehouseCode } = po as { site: string; warehouseCode: string };
      report.units = await exceptionPerUnit(
        environment,
        { site, warehouseCode, externalRef: report.externalRef, erpNumber: report.erpNumber },
        step,
        timeoutMs,
      );
    }
    report.ok = true;
  } catch (error) {
    report.reason = (error as Error).message;
  }
  report.workflows = runtime.executions().map((execution) => ({
    name: execution.stateMachineName,
    status: execution.status,
    path: execution.path,
  }));
  report.durationMs = Date.now() - started;
  return report;
}

export function formatReport(report: ScenarioReport): string {
  const lines = [
    '',
    "Seed scenario: a planner's forecast uplift becomes an acknowledged purchase order",
    '',
    ...report.steps.map((s) => `  +${(s.atMs / 1000).toFixed(3).padStart(7)} s  ${s.what}`),
    '',
    'Workflow executions (path taken):',
    ...report.workflows.map((w) => `  ${w.name}  ${w.status}\n      ${w.path.join(' -> ')}`),
    '',
    'Sync lag (source event -> target confirmed):',
    ...(report.syncLags.length
      ? report.syncLags.map(
          (lag) =>
            `  ${lag.from} -> ${lag.to}: ${lag.lagSeconds === null ? 'pending' : `${lag.lagSeconds.toFixed(3)} s`}`,
        )
      : ['  (none recorded)']),
    `Forecast exception -> PO posted in the ERP: ${report.forecastToOrderSeconds?.toFixed(3) ?? '?'} s (service level: under 300 s)`,
    `ERP purchase order number: ${report.erpNumber ?? '(none)'}   procurement PO: ${report.poNumber ?? '(none)'}   reference: ${report.externalRef ?? '(none)'}`,
    ...(report.units
      ? [
          '',
          'Business units (one exception each, in its own ERP):',
          ...report.units.map(
            (u) =>
              `  ${u.unit.padEnd(6)} ${u.site} -> ${u.warehouseCode}: ERP order ${u.erpNumber} (${u.externalRef})`,
          ),
        ]
      : []),
    '',
    report.ok
      ? `Scenario completed in ${(report.durationMs / 1000).toFixed(1)} s.`
      : `Scenario FAILED: ${report.reason ?? 'unknown'}`,
  ];
  return lines.join('\n');
}
