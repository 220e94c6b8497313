import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BreakerStateChange } from '../../../adapters/resilience/circuit-breaker';
import { RequestBudgetExhausted } from '../../../adapters/resilience/shared-rate-budget';
import {
  validateIntegrationExceptionRaisedV1,
  validateIntegrationExceptionResolvedV1,
} from '../../../canonical/generated/validators';
import { executionName } from '../../../adapters/aws/workflows';
import { CIRCUIT_CLOSED_RESOLUTION } from '../../../adapters/resilience/breaker-incidents';
import { reportBreakerChange, startCommitment, workflowSettings } from '../../../functions/commons/adapters';
import { commitmentPorts, withPorts } from '../../../functions/commons/commitment-ports';
import { metrics } from '../../../functions/commons/powertools';
import type { CommitmentState } from '../../../domain/commitment/types';
import { ENVIRONMENTS } from '../../../application/environments';
import { TASK_ENVIRONMENT, conditionFailed, dynamo, eventBridge, published, resetAws, sfn } from './support';

/** What the procurement platform answers (the client is built once, so is its fetch). */
const platformCalls: string[] = [];
beforeAll(() => {
  Object.assign(process.env, TASK_ENVIRONMENT, {
    PURCHASE_COMMITMENT_STATE_MACHINE_ARN:
      'arn:aws:states:us-east-1:111122223333:stateMachine:supplyline-dev-purchase-commitment',
  });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: URL | string) => {
      const { pathname } = new URL(url);
      if (pathname === '/oauth2/token')
        return Response.json({ access_token: 't', token_type: 'Bearer', expires_in: 3600 });
      platformCalls.push(pathname);
      if (pathname === '/api/v2/sourcing-requests') return Response.json({ data: [], next_page_token: null });
      return Response.json({
        supplier_number: 'S-1001',
        name: 'Acme Fasteners',
        status: 'approved',
        payment_terms: 'NET30',
        currency: 'USD',
        lead_time_days: 5,
        updated_at: '2026-11-20T10:00:00Z',
      });
    }),
  );
});
beforeEach(() => {
  resetAws();
  platformCalls.length = 0;
});
afterAll(() => vi.unstubAllGlobals());

describe('commitment ports from the environment', () => {
  it('maps sites to warehouses and builds the policy from the business rules', () => {
    const ports = commitmentPorts();
    expect(ports.warehouseForSite('DC-EAST-03')).toBe('WH-EAST');
    expect(ports.warehouseForSite('DC-NOWHERE')).toBeUndefined();
    expect(ports.warehouseForSite('toString')).toBeUndefined();
    expect(ports.policy.approvalLimit.toMoneyString()).toBe(ENVIRONMENTS.dev.business.approvalLimit);
    expect(ports.policy.supportedCurrencies).toEqual(['USD']);
    expect(ports.tenantId).toBe('acme');
  });

  it('turns the business rules’ hours into the workflow’s seconds', () => {
    expect(workflowSettings({ ...ENVIRONMENTS.dev.business, approvalTimeoutHours: 1.5 })).toEqual({
      approvalTimeoutSeconds: 5400,
      acknowledgementTimeoutSeconds: 48 * 3600,
    });
  });

  it('builds only the ports a step touches', () => {
    const before = process.env.ERP_BASE_URL;
    delete process.env.ERP_BASE_URL;
    const ports = withPorts({ settings: workflowSettings() });
    expect(ports.settings.approvalTimeoutSeconds).toBe(24 * 3600);
    expect(ports.supply).toBeDefined();
    if (before !== undefined) process.env.ERP_BASE_URL = before;
  });
});

/** The incident items of the circuit-breaker table, as DynamoDB would keep them. */
function incidentTable() {
  const items = new Map<string, number>();
  dynamo.on(UpdateCommand).callsFake((input: UpdateCommandInput) => {
    const key = input.Key!.endpoint as string;
    const at = input.ExpressionAttributeValues![':at'] as number;
    const keep = input.UpdateExpression!.includes('if_not_exists') && items.has(key);
    if (!keep) items.set(key, at);
    return { Attributes: { endpoint: key, openedAt: items.get(key) } };
  });
  dynamo.on(DeleteCommand).callsFake((input: { Key: { endpoint: string } }) => {
    const openedAt = items.get(input.Key.endpoint);
    items.delete(input.Key.endpoint);
    return { Attributes: openedAt === undefined ? undefined : { endpoint: input.Key.endpoint, openedAt } };
  });
  return items;
}

describe('circuit breaker state changes', () => {
  it('report CircuitBreakerOpen 1 on opening and 0 on closing, per endpoint system, and nothing half-open', async () => {
    incidentTable();
    const emitted: unknown[][] = [];
    const single = {
      addDimension: (name: string, value: string) => emitted.push(['dimension', name, value]),
      addMetric: (name: string, _unit: string, value: number) => emitted.push(['metric', name, value]),
    };
    const spy = vi.spyOn(metrics, 'singleMetric').mockReturnValue(single as never);
    const at = new Date('2026-11-27T12:00:00Z');
    await reportBreakerChange({
      endpoint: 'erp',
      system: 'erp',
      from: 'closed',
      to: 'open',
      at,
      reason: 'failure-rate',
    });
    await reportBreakerChange({
      endpoint: 'erp',
      system: 'erp',
      from: 'open',
      to: 'half-open',
      at,
      reason: 'cool-down-elapsed',
    });
    await reportBreakerChange({
      endpoint: 'erp',
      system: 'erp',
      from: 'half-open',
      to: 'closed',
      at,
      reason: 'probe-succeeded',
    });
    spy.mockRestore();
    expect(emitted).toEqual([
      ['dimension', 'Endpoint', 'erp'],
      ['metric', 'CircuitBreakerOpen', 1],
      ['dimension', 'Endpoint', 'erp'],
      ['metric', 'CircuitBreakerOpen', 0],
    ]);
  });
});

describe('circuit breaker incidents as integration exceptions', () => {
  const openedAt = new Date('2026-11-27T12:00:00.123Z');
  const change = (
    from: BreakerStateChange['from'],
    to: BreakerStateChange['to'],
    at: Date,
    reason: BreakerStateChange['reason'],
  ): BreakerStateChange => ({
    endpoint: 'procurement',
    system: 'procurement',
    from,
    to,
    at,
    reason,
    ...(to === 'open' ? { coolDownSeconds: 30 } : {}),
    ...(reason === 'failure-rate' ? { calls: 12, failureRate: 0.75 } : {}),
  });
  const later = (seconds: number) => new Date(openedAt.getTime() + seconds * 1000);

  it('raises CIRCUIT_OPEN on opening and resolves the same exception when a probe closes the breaker', async () => {
    const items = incidentTable();
    await reportBreakerChange(change('closed', 'open', openedAt, 'failure-rate'));
    await reportBreakerChange(change('open', 'half-open', later(30), 'cool-down-elapsed'));
    await reportBreakerChange(change('half-open', 'closed', later(31), 'probe-succeeded'));

    const [raised, resolved] = published();
    expect(published()).toHaveLength(2);
    expect(validateIntegrationExceptionRaisedV1(raised)).toMatchObject({ ok: true });
    expect(validateIntegrationExceptionResolvedV1(resolved)).toMatchObject({ ok: true });
    const exceptionId = `IX-CIRCUIT_OPEN-procurement-${openedAt.getTime()}`;
    expect(raised).toMatchObject({
      eventType: 'integration-exception.raised',
      sourceSystem: 'operations',
      sourceObjectId: exceptionId,
      correlationId: exceptionId,
      idempotencyKey: `integration-exception:${exceptionId}`,
      tenantId: 'acme',
      occurredAt: '2026-11-27T12:00:00.123Z',
      data: {
        exceptionId,
        category: 'TECHNICAL',
        code: 'CIRCUIT_OPEN',
        status: 'OPEN',
        objectType: 'Endpoint',
        objectId: 'procurement',
        system: 'procurement',
        raisedAt: '2026-11-27T12:00:00.123Z',
      },
    });
    expect((raised!.data as { message: string }).message).toContain('75% of 12 calls failed');
    expect(resolved).toMatchObject({
      eventType: 'integration-exception.resolved',
      correlationId: exceptionId,
      data: {
        exceptionId,
        status: 'RESOLVED',
        raisedAt: '2026-11-27T12:00:00.123Z',
        resolvedAt: later(31).toISOString(),
        resolution: CIRCUIT_CLOSED_RESOLUTION,
      },
    });
    expect(items.size).toBe(0);
    // Each on the bus as the canonical event of its type.
    const entries = eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries!);
    expect(entries.map((entry) => [entry.Source, entry.DetailType, entry.EventBusName])).toEqual([
      ['supplyline.operations', 'integration-exception.raised', 'supplyline-test'],
      ['supplyline.operations', 'integration-exception.resolved', 'supplyline-test'],
    ]);
  });

  it('keeps one exception through failed probes, and a later opening is a new one', async () => {
    incidentTable();
    await reportBreakerChange(change('closed', 'open', openedAt, 'failure-rate'));
    await reportBreakerChange(change('half-open', 'open', later(31), 'probe-failed'));
    await reportBreakerChange(change('half-open', 'closed', later(62), 'probe-succeeded'));
    await reportBreakerChange(change('closed', 'open', later(600), 'failure-rate'));
    const ids = published().map((event) => [
      event.eventType,
      (event.data as { exceptionId: string }).exceptionId,
    ]);
    const first = `IX-CIRCUIT_OPEN-procurement-${openedAt.getTime()}`;
    expect(ids).toEqual([
      ['integration-exception.raised', first],
      ['integration-exception.raised', first],
      ['integration-exception.resolved', first],
      ['integration-exception.raised', `IX-CIRCUIT_OPEN-procurement-${later(600).getTime()}`],
    ]);
    // The re-raise is the same event to the recorder: same key, so it records the exception once.
    expect(published()[1]!.idempotencyKey).toBe(published()[0]!.idempotencyKey);
  });

  it('never fails the call: a bus that refuses the event is logged and the metric still goes out', async () => {
    incidentTable();
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).rejects(new Error('EventBridge unavailable'));
    const spy = vi.spyOn(metrics, 'singleMetric');
    await expect(
      reportBreakerChange(change('closed', 'open', openedAt, 'failure-rate')),
    ).resolves.toBeUndefined();
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    expect(eventBridge.commandCalls(PutEventsCommand).length).toBeGreaterThan(0);
  });

  it('still raises the opening when the incident cannot be stored; the closing then has nothing to resolve', async () => {
    dynamo.on(UpdateCommand).rejects(new Error('DynamoDB unavailable'));
    dynamo.on(DeleteCommand).resolves({});
    await reportBreakerChange(change('closed', 'open', openedAt, 'failure-rate'));
    await expect(
      reportBreakerChange(change('half-open', 'closed', later(31), 'probe-succeeded')),
    ).resolves.toBeUndefined();
    expect(published().map((event) => event.eventType)).toEqual(['integration-exception.raised']);
    expect((published()[0]!.data as { exceptionId: string }).exceptionId).toBe(
      `IX-CIRCUIT_OPEN-procurement-${openedAt.getTime()}`,
    );
  });
});

describe('the procurement port’s shared request budget', () => {
  const budgetUpdates = () =>
    dynamo
      .commandCalls(UpdateCommand)
      .map((call) => call.args[0].input)
      .filter((input) => String(input.Key?.endpoint).startsWith('budget#'));

  it('takes a budget window in the circuit-breaker table before each call: critical by default, bulk when asked', async () => {
    dynamo.on(GetCommand).resolves({});
    dynamo.on(UpdateCommand).resolves({});
    const { procurement } = commitmentPorts();
    await procurement.getSupplier('S-1001');
    await procurement.listSourcingRequests({ status: 'open' }, { lane: 'bulk' });
    expect(platformCalls).toEqual(['/api/v2/suppliers/S-1001', '/api/v2/sourcing-requests']);
    const updates = budgetUpdates();
    expect(updates).toHaveLength(2);
    for (const update of updates) {
      expect(update.TableName).toBe('circuit-breaker');
      expect(update.Key!.endpoint).toMatch(/^budget#procurement#\d+(\.5)?$/);
      expect(update.ConditionExpression).toBe('attribute_not_exists(#used) OR #used < :limit');
    }
    expect(updates.map((update) => update.ExpressionAttributeValues![':limit'])).toEqual([3, 2]);
  });

  it('fails a call it cannot budget in time with RequestBudgetExhausted, which the breaker does not record at all', async () => {
    dynamo.on(GetCommand).resolves({});
    dynamo.on(UpdateCommand).callsFake((input: UpdateCommandInput) => {
      if (String(input.Key!.endpoint).startsWith('budget#')) throw conditionFailed();
      return {};
    });
    const error = await commitmentPorts()
      .procurement.getSupplier('S-1001')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestBudgetExhausted);
    expect(platformCalls).toEqual([]);
    // The endpoint was never called: the breaker records neither a success nor a failure.
    const counted = dynamo
      .commandCalls(UpdateCommand)
      .map((call) => call.args[0].input)
      .filter((input) => input.Key?.endpoint === 'procurement');
    expect(counted).toEqual([]);
  });
});

describe('starting the purchase commitment', () => {
  it('starts the Express workflow named by the environment with the state as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn', startDate: new Date() });
    const state = {
      event: { idempotencyKey: 'forecast-exception:PLAN-1:EX-1:v3', correlationId: 'c', eventId: 'e' },
    } as unknown as CommitmentState;
    await startCommitment(state);
    const [call] = sfn.commandCalls(StartExecutionCommand);
    expect(call!.args[0].input).toEqual({
      stateMachineArn: process.env.PURCHASE_COMMITMENT_STATE_MACHINE_ARN,
      name: executionName('forecast-exception:PLAN-1:EX-1:v3'),
      input: JSON.stringify(state),
    });
  });

  it('names executions within Step Functions’ 80 characters and charset', () => {
    const name = executionName(`forecast-exception:${'P'.repeat(200)}:EX/1:v3`);
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(executionName('a:b')).not.toBe(executionName('a/b'));
  });
});
