import { describe, expect, it } from 'vitest';
import {
  EventBridgeRequestError,
  EventBus,
  entrySize,
  type BusActivity,
  type DeadLetter,
  type EventEnvelope,
  type PutEventsRequestEntry,
} from '../../../local/eventbridge/bus';
import { InvalidEventPatternError } from '../../../local/eventbridge/pattern';

const order = (id: string, extra: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  Source: 'supplyline.procurement',
  DetailType: 'PurchaseOrderCreated',
  Detail: JSON.stringify({ purchaseOrderId: id, lines: [{ sku: 'A-1', quantity: '3' }] }),
  ...extra,
});

const fastRetries = { backoff: { initialDelayMs: 1, maxDelayMs: 4 } };

function collector() {
  const events: EventEnvelope[] = [];
  return { events, target: { id: 'collector', deliver: (e: EventEnvelope) => void events.push(e) } };
}

describe('EventBus.putEvents', () => {
  it('accepts entries and builds the EventBridge envelope', async () => {
    const bus = new EventBus({ name: 'supplyline', account: '111122223333', region: 'eu-west-1' });
    const { events, target } = collector();
    bus.addRule({
      name: 'all-orders',
      eventPattern: { source: ['supplyline.procurement'] },
      targets: [target],
    });

    const result = bus.putEvents([
      order('PO-1', { Resources: ['arn:aws:s3:::bucket/po-1'], Time: new Date('2026-03-01T10:20:30.456Z') }),
    ]);
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries).toHaveLength(1);
    expect(result.Entries[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);

    await bus.idle();
    expect(events).toEqual([
      {
        version: '0',
        id: result.Entries[0]?.EventId,
        'detail-type': 'PurchaseOrderCreated',
        source: 'supplyline.procurement',
        account: '111122223333',
        time: '2026-03-01T10:20:30Z',
        region: 'eu-west-1',
        resources: ['arn:aws:s3:::bucket/po-1'],
        detail: { purchaseOrderId: 'PO-1', lines: [{ sku: 'A-1', quantity: '3' }] },
      },
    ]);
  });

  it('stamps the current time and an empty resources list when not given', async () => {
    const bus = new EventBus({ now: () => new Date('2026-05-05T05:05:05.999Z') });
    const { events, target } = collector();
    bus.addRule({ name: 'r', eventPattern: { source: [{ prefix: 'supplyline.' }] }, targets: [target] });
    bus.putEvents([order('PO-2')]);
    await bus.idle();
    expect(events[0]?.time).toBe('2026-05-05T05:05:05Z');
    expect(events[0]?.resources).toEqual([]);
  });

  it('reports failed entries individually, in request order, and still accepts the others', () => {
    const bus = new EventBus({ name: 'supplyline' });
    const rejected: string[] = [];
    bus.observe((a) => {
      if (a.type === 'rejected') rejected.push(a.errorCode);
    });
    const result = bus.putEvents([
      order('PO-1'),
      { DetailType: 'X', Detail: '{}' },
      { Source: 'supplyline.erp', Detail: '{}' },
      { Source: 'supplyline.erp', DetailType: 'X' },
      { Source: 'supplyline.erp', DetailType: 'X', Detail: '{not json' },
      { Source: 'supplyline.erp', DetailType: 'X', Detail: '[1,2]' },
      { Source: 'aws.ec2', DetailType: 'X', Detail: '{}' },
      order('PO-8', { EventBusName: 'other-bus' }),
      order('PO-9', { EventBusName: 'arn:aws:events:us-east-1:000000000000:event-bus/supplyline' }),
      order('PO-10', { Time: 'not a time' }),
    ]);
    expect(result.FailedEntryCount).toBe(8);
    expect(result.Entries.map((e) => e.ErrorCode ?? 'ok')).toEqual([
      'ok',
      'InvalidArgument',
      'InvalidArgument',
      'InvalidArgument',
      'MalformedDetail',
      'MalformedDetail',
      'NotAuthorizedForSourceException',
      'ResourceNotFoundException',
      'ok',
      'InvalidArgument',
    ]);
    expect(result.Entries[1]).toEqual({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
    });
    expect(result.Entries[4]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    expect(result.Entries[0]?.ErrorCode).toBeUndefined();
    expect(result.Entries[8]?.EventId).toBeDefined();
    expect(rejected).toHaveLength(8);
  });

  it('rejects a whole request with no entries or more than 10 entries', () => {
    const bus = new EventBus();
    expect(() => bus.putEvents([])).toThrow(EventBridgeRequestError);
    const eleven = Array.from({ length: 11 }, (_, i) => order(`PO-${i}`));
    expect(() => bus.putEvents(eleven)).toThrow(/less than or equal to 10/);
    try {
      bus.putEvents(eleven);
    } catch (err) {
      expect((err as EventBridgeRequestError).code).toBe('ValidationException');
    }
    expect(bus.putEvents(eleven.slice(0, 10)).FailedEntryCount).toBe(0);
  });

  it('computes the entry size as documented', () => {
    expect(entrySize({ Source: 'ab', DetailType: 'cd', Detail: '{"é":1}', Resources: ['r1', 'r2'] })).toBe(
      2 + 2 + 8 + 4,
    );
    expect(entrySize({ Source: 'a', DetailType: 'b', Detail: '{}', Time: new Date() })).toBe(14 + 4);
  });

  it('accepts events up to 1 MB in total (the 2026 quota) and rejects larger requests', () => {
    const bus = new EventBus();
    const detailOf = (bytes: number) => JSON.stringify({ blob: 'x'.repeat(bytes - 12) });
    const big = { Source: 's', DetailType: 'd', Detail: detailOf(900 * 1024) };
    expect(bus.putEvents([big]).FailedEntryCount).toBe(0); // over the old 256 KB limit
    const tooBig = { Source: 's', DetailType: 'd', Detail: detailOf(1024 * 1024) };
    expect(() => bus.putEvents([tooBig])).toThrow(
      'Total size of the entries in the request is over the limit.',
    );
    // The limit applies to the sum of the entries of one request.
    const half = { Source: 's', DetailType: 'd', Detail: detailOf(600 * 1024) };
    expect(() => bus.putEvents([half, half])).toThrow(EventBridgeRequestError);
  });

  it('honours a configured size limit', () => {
    const bus = new EventBus({ maxRequestBytes: 256 * 1024 });
    const entry = { Source: 's', DetailType: 'd', Detail: JSON.stringify({ blob: 'x'.repeat(300 * 1024) }) };
    expect(() => bus.putEvents([entry])).toThrow(EventBridgeRequestError);
  });
});

describe('EventBus rules and delivery', () => {
  it('delivers asynchronously: putEvents returns before any target runs', async () => {
    const bus = new EventBus();
    const { events, target } = collector();
    bus.addRule({ name: 'r', eventPattern: { source: ['supplyline.procurement'] }, targets: [target] });
    bus.putEvents([order('PO-1')]);
    expect(events).toHaveLength(0);
    await bus.idle();
    expect(events).toHaveLength(1);
  });

  it('delivers only to enabled rules whose pattern matches, to every target of the rule', async () => {
    const bus = new EventBus();
    const a = collector();
    const b = collector();
    const other = collector();
    const disabled = collector();
    bus.addRule({
      name: 'orders',
      eventPattern: {
        'detail-type': ['PurchaseOrderCreated'],
        detail: { lines: { sku: [{ prefix: 'A-' }] } },
      },
      targets: [a.target, { ...b.target, id: 'second' }],
    });
    bus.addRule({ name: 'erp', eventPattern: { source: ['supplyline.erp'] }, targets: [other.target] });
    bus.addRule({
      name: 'off',
      eventPattern: { source: ['supplyline.procurement'] },
      targets: [disabled.target],
      state: 'DISABLED',
    });
    bus.putEvents([order('PO-1')]);
    await bus.idle();
    expect(a.events).toHaveLength(1);
    expect(b.events).toHaveLength(1);
    expect(other.events).toHaveLength(0);
    expect(disabled.events).toHaveLength(0);
    expect(bus.ruleNames()).toEqual(['orders', 'erp', 'off']);
    expect(bus.removeRule('erp')).toBe(true);
  });

  it('gives each target its own copy of the event', async () => {
    const bus = new EventBus();
    const seen: unknown[] = [];
    bus.addRule({
      name: 'r',
      eventPattern: { source: ['supplyline.procurement'] },
      targets: [
        {
          id: 'mutator',
          deliver: (e) => void ((e.detail as Record<string, unknown>).purchaseOrderId = 'changed'),
        },
        { id: 'reader', deliver: (e) => void seen.push(e.detail.purchaseOrderId) },
      ],
    });
    bus.putEvents([order('PO-1')]);
    await bus.idle();
    expect(seen).toEqual(['PO-1']);
  });

  it('rejects rules with an invalid pattern', () => {
    const bus = new EventBus();
    expect(() => bus.addRule({ name: 'bad', eventPattern: { source: 'x' }, targets: [] })).toThrow(
      InvalidEventPatternError,
    );
  });

  it('retries a failing target with backoff until it succeeds', async () => {
    const bus = new EventBus(fastRetries);
    const activity: BusActivity[] = [];
    bus.observe((a) => activity.push(a));
    let calls = 0;
    bus.addRule({
      name: 'flaky',
      eventPattern: { source: ['supplyline.procurement'] },
      targets: [
        {
          id: 'erp-adapter',
          deliver: () => {
            calls++;
            if (calls < 3) throw new Error(`ERP unavailable (${calls})`);
          },
        },
      ],
    });
    bus.putEvents([order('PO-1')]);
    await bus.idle();
    expect(calls).toBe(3);
    const failures = activity.filter((a) => a.type === 'delivery-failed');
    expect(
      failures.map((f) => f.type === 'delivery-failed' && [f.attempt, f.willRetry, f.errorMessage]),
    ).toEqual([
      [1, true, 'ERP unavailable (1)'],
      [2, true, 'ERP unavailable (2)'],
    ]);
    expect(activity.find((a) => a.type === 'delivered')).toMatchObject({
      attempt: 3,
      targetId: 'erp-adapter',
    });
    expect(activity.some((a) => a.type === 'dead-lettered')).toBe(false);
  });

  it('hands the event to the dead-letter callback after the retry attempts are exhausted', async () => {
    const bus = new EventBus(fastRetries);
    const letters: DeadLetter[] = [];
    let calls = 0;
    bus.addRule({
      name: 'to-erp',
      eventPattern: { source: ['supplyline.procurement'] },
      targets: [
        {
          id: 'erp-adapter',
          retryPolicy: { maximumRetryAttempts: 2 },
          deliver: async () => {
            calls++;
            throw new Error('ERP rejected the order');
          },
          deadLetter: (letter) => void letters.push(letter),
        },
      ],
    });
    const { Entries } = bus.putEvents([order('PO-1')]);
    await bus.idle();
    expect(calls).toBe(3);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      ruleName: 'to-erp',
      targetId: 'erp-adapter',
      reason: 'RETRY_ATTEMPTS_EXHAUSTED',
      errorMessage: 'ERP rejected the order',
      attempts: 3,
    });
    expect(letters[0]?.event.id).toBe(Entries[0]?.EventId);
    expect(letters[0]?.event.detail).toEqual({
      purchaseOrderId: 'PO-1',
      lines: [{ sku: 'A-1', quantity: '3' }],
    });
  });

  it('dead-letters once the maximum event age would be exceeded', async () => {
    const bus = new EventBus({ ...fastRetries, retryPolicy: { maximumEventAgeSeconds: 0 } });
    const letters: DeadLetter[] = [];
    bus.addRule({
      name: 'r',
      eventPattern: { source: ['supplyline.procurement'] },
      targets: [
        {
          id: 't',
          deliver: () => {
            throw new Error('down');
          },
          deadLetter: (l) => void letters.push(l),
        },
      ],
    });
    bus.putEvents([order('PO-1')]);
    await bus.idle();
    expect(letters.map((l) => [l.reason, l.attempts])).toEqual([['MAXIMUM_EVENT_AGE_EXCEEDED', 1]]);
  });

  it('keeps dead letters on the bus when no dead-letter callback is configured, so none is lost', async () => {
    const bus = new EventBus({ ...fastRetries, retryPolicy: { maximumRetryAttempts: 0 } });
    bus.addRule({
      name: 'r',
      eventPattern: { source: ['supplyline.procurement'] },
      targets: [{ id: 't', deliver: () => Promise.reject(new Error('nope')) }],
    });
    bus.putEvents([order('PO-1')]);
    await bus.idle();
    expect(bus.deadLetters).toHaveLength(1);
    expect(bus.deadLetters[0]).toMatchObject({
      reason: 'RETRY_ATTEMPTS_EXHAUSTED',
      attempts: 1,
      errorMessage: 'nope',
    });
  });

  it('uses the bus-level dead-letter callback for targets without their own', async () => {
    const letters: DeadLetter[] = [];
    const bus = new EventBus({
      ...fastRetries,
      retryPolicy: { maximumRetryAttempts: 1 },
      deadLetter: (l) => void letters.push(l),
    });
    bus.addRule({
      name: 'r',
      eventPattern: { source: ['supplyline.procurement'] },
      targets: [{ id: 't', deliver: () => Promise.reject(new Error('nope')) }],
    });
    bus.putEvents([order('PO-1')]);
    await bus.idle();
    expect(letters.map((l) => l.attempts)).toEqual([2]);
    expect(bus.deadLetters).toHaveLength(0);
  });

  it('reports accepted, matched and delivered events to observers, and stops after unsubscribe', async () => {
    const reported: string[] = [];
    const bus = new EventBus({ reportError: (message) => void reported.push(message) });
    const types: string[] = [];
    const stop = bus.observe((a) => types.push(a.type));
    bus.observe(() => {
      throw new Error('a broken observer does not break the bus');
    });
    bus.addRule({
      name: 'r',
      eventPattern: { source: ['supplyline.procurement'] },
      targets: [collector().target],
    });
    bus.putEvents([order('PO-1')]);
    await bus.idle();
    expect(types).toEqual(['accepted', 'matched', 'delivered']);
    expect(reported).toEqual([
      'observer failed on accepted',
      'observer failed on matched',
      'observer failed on delivered',
    ]);
    stop();
    bus.putEvents([order('PO-2')]);
    await bus.idle();
    expect(types).toHaveLength(3);
  });
});
