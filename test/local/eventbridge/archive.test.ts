import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus, type EventEnvelope, type PutEventsRequestEntry } from '../../../local/eventbridge/bus';
import { EventArchive } from '../../../local/eventbridge/archive';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eventbridge-archive-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const entry = (id: string, time: string, source = 'supplyline.procurement'): PutEventsRequestEntry => ({
  Source: source,
  DetailType: 'PurchaseOrderCreated',
  Detail: JSON.stringify({ purchaseOrderId: id }),
  Time: new Date(time),
});

function busWithCollector(name = 'supplyline') {
  const bus = new EventBus({ name });
  const received: EventEnvelope[] = [];
  bus.addRule({
    name: 'orders',
    eventPattern: { 'detail-type': ['PurchaseOrderCreated'] },
    targets: [{ id: 'collector', deliver: (e) => void received.push(e) }],
  });
  return { bus, received };
}

describe('EventArchive', () => {
  it('records every accepted event as a JSON line, and not rejected entries', () => {
    const { bus } = busWithCollector();
    const archive = new EventArchive({ name: 'all', path: join(dir, 'nested', 'all.jsonl') });
    archive.attach(bus);
    bus.putEvents([
      entry('PO-1', '2026-03-01T10:00:00Z'),
      { Source: 'supplyline.procurement', DetailType: 'X', Detail: 'not json' },
      entry('PO-2', '2026-03-01T11:00:00Z'),
    ]);
    const lines = readFileSync(archive.path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0] as string).event.detail).toEqual({ purchaseOrderId: 'PO-1' });
    expect(archive.read().map((a) => a.event.detail.purchaseOrderId)).toEqual(['PO-1', 'PO-2']);
  });

  it('archives only events matching its pattern', () => {
    const { bus } = busWithCollector();
    const archive = new EventArchive({
      name: 'erp-only',
      path: join(dir, 'erp.jsonl'),
      eventPattern: { source: ['supplyline.erp'] },
    });
    archive.attach(bus);
    bus.putEvents([
      entry('PO-1', '2026-03-01T10:00:00Z'),
      entry('PO-2', '2026-03-01T10:00:00Z', 'supplyline.erp'),
    ]);
    expect(archive.read().map((a) => a.event.source)).toEqual(['supplyline.erp']);
  });

  it('survives a restart and replays a time window in time order, marked with replay-name', async () => {
    const path = join(dir, 'orders.jsonl');
    {
      const { bus } = busWithCollector();
      new EventArchive({ name: 'orders', path }).attach(bus);
      // Put out of order on purpose: replay goes by event time.
      bus.putEvents([
        entry('PO-3', '2026-03-01T12:00:00Z'),
        entry('PO-1', '2026-03-01T10:00:00Z'),
        entry('PO-late', '2026-03-02T00:00:00Z'),
        entry('PO-2', '2026-03-01T11:00:00Z'),
        entry('PO-early', '2026-02-28T23:59:59Z'),
      ]);
      await bus.idle();
    }

    // "Restart": a new bus and a new archive instance over the same file.
    const { bus, received } = busWithCollector();
    const archive = new EventArchive({ name: 'orders', path });
    archive.attach(bus);
    expect(archive.read()).toHaveLength(5);

    const progress: string[] = [];
    const summary = await archive.replay({
      from: '2026-03-01T00:00:00Z',
      to: '2026-03-02T00:00:00Z',
      replayName: 'po-backfill',
      onEvent: (e) => void progress.push(String(e.detail.purchaseOrderId)),
    });
    await bus.idle();

    expect(summary).toMatchObject({ replayName: 'po-backfill', replayed: 3 });
    expect(summary.eventLastReplayedTime?.toISOString()).toBe('2026-03-01T12:00:00.000Z');
    expect(progress).toEqual(['PO-1', 'PO-2', 'PO-3']);
    expect(received.map((e) => e.detail.purchaseOrderId)).toEqual(['PO-1', 'PO-2', 'PO-3']);
    expect(received.every((e) => e['replay-name'] === 'po-backfill')).toBe(true);
    // Replayed events keep their original envelope (id, time) apart from the replay-name mark.
    const original = archive.read().find((a) => a.event.detail.purchaseOrderId === 'PO-1')?.event;
    expect(received[0]).toEqual({ ...original, 'replay-name': 'po-backfill' });
    // ... and are not archived again.
    expect(archive.read()).toHaveLength(5);
  });

  it('replays through an extra pattern and only to the chosen rules', async () => {
    const { bus, received } = busWithCollector();
    const other: EventEnvelope[] = [];
    bus.addRule({
      name: 'audit',
      eventPattern: { source: [{ prefix: 'supplyline.' }] },
      targets: [{ id: 'audit', deliver: (e) => void other.push(e) }],
    });
    const archive = new EventArchive({ name: 'orders', path: join(dir, 'a.jsonl') });
    archive.attach(bus);
    bus.putEvents([
      entry('PO-1', '2026-03-01T10:00:00Z'),
      entry('PO-2', '2026-03-01T10:00:00Z', 'supplyline.erp'),
    ]);
    await bus.idle();
    received.length = 0;
    other.length = 0;

    const summary = await archive.replay({
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-03-02T00:00:00Z'),
      pattern: { source: ['supplyline.erp'] },
      ruleNames: ['orders'],
    });
    await bus.idle();
    expect(summary.replayed).toBe(1);
    expect(summary.replayName).toMatch(/^replay-/);
    expect(received.map((e) => e.detail.purchaseOrderId)).toEqual(['PO-2']);
    expect(other).toEqual([]);
  });

  it('lets rules tell replayed events apart', async () => {
    const { bus } = busWithCollector();
    const replaysOnly: EventEnvelope[] = [];
    bus.addRule({
      name: 'replays',
      eventPattern: { 'replay-name': [{ exists: true }] },
      targets: [{ id: 't', deliver: (e) => void replaysOnly.push(e) }],
    });
    const archive = new EventArchive({ name: 'orders', path: join(dir, 'r.jsonl') });
    archive.attach(bus);
    bus.putEvents([entry('PO-1', '2026-03-01T10:00:00Z')]);
    await bus.idle();
    expect(replaysOnly).toHaveLength(0);
    await archive.replay({ from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z', replayName: 'r1' });
    await bus.idle();
    expect(replaysOnly.map((e) => e['replay-name'])).toEqual(['r1']);
  });

  it('rejects an empty or inverted replay window', async () => {
    const { bus } = busWithCollector();
    const archive = new EventArchive({ name: 'orders', path: join(dir, 'w.jsonl') });
    archive.attach(bus);
    await expect(
      archive.replay({ from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }),
    ).rejects.toThrow(/EventStartTime must be before EventEndTime/);
  });

  it('drops events past retention, on read and on disk', () => {
    const path = join(dir, 'retained.jsonl');
    let now = new Date('2026-03-01T00:00:00Z');
    const { bus } = busWithCollector();
    const archive = new EventArchive({ name: 'orders', path, retentionDays: 7, now: () => now });
    archive.attach(bus);
    bus.putEvents([entry('PO-old', '2026-03-01T00:00:00Z')]);
    now = new Date('2026-03-06T00:00:00Z');
    bus.putEvents([entry('PO-new', '2026-03-06T00:00:00Z')]);

    now = new Date('2026-03-09T00:00:00Z');
    expect(archive.read().map((a) => a.event.detail.purchaseOrderId)).toEqual(['PO-new']);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(archive.purgeExpired()).toBe(1);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(1);

    // A new instance purges on open.
    now = new Date('2026-03-20T00:00:00Z');
    new EventArchive({ name: 'orders', path, retentionDays: 7, now: () => now });
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('skips a torn line left by a crash mid-append', () => {
    const path = join(dir, 'torn.jsonl');
    const { bus } = busWithCollector();
    const archive = new EventArchive({ name: 'orders', path });
    archive.attach(bus);
    bus.putEvents([entry('PO-1', '2026-03-01T10:00:00Z')]);
    appendFileSync(path, '{"archivedAt":"2026-03-01T10:00:01Z","event":{"ver');
    expect(new EventArchive({ name: 'orders', path }).read()).toHaveLength(1);
  });
});
