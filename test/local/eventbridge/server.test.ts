import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeReplayCommand,
  EventBridgeClient,
  ListRulesCommand,
  PutEventsCommand,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import { EventBus, type EventEnvelope } from '../../../local/eventbridge/bus';
import { EventArchive } from '../../../local/eventbridge/archive';
import { startEventBridgeServer, type EventBridgeServer } from '../../../local/eventbridge/server';

const region = 'eu-west-1';
const account = '111122223333';

let dir: string;
let server: EventBridgeServer;
let bus: EventBus;
let archive: EventArchive;
let received: EventEnvelope[];
let client: EventBridgeClient;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eventbridge-server-'));
  bus = new EventBus({ name: 'supplyline', account, region });
  received = [];
  bus.addRule({
    name: 'purchase-orders',
    eventPattern: { source: ['supplyline.procurement'], 'detail-type': ['PurchaseOrderCreated'] },
    targets: [{ id: 'collector', deliver: (e) => void received.push(e) }],
  });
  archive = new EventArchive({ name: 'supplyline-all', path: join(dir, 'archive.jsonl') });
  archive.attach(bus);
  server = await startEventBridgeServer({
    buses: [bus, new EventBus({ account, region })],
    archives: [archive],
  });
  client = new EventBridgeClient({
    endpoint: server.url,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterEach(async () => {
  client.destroy();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const orderEntry = (id: string, time?: Date) => ({
  EventBusName: 'supplyline',
  Source: 'supplyline.procurement',
  DetailType: 'PurchaseOrderCreated',
  Detail: JSON.stringify({ purchaseOrderId: id }),
  ...(time ? { Time: time } : {}),
});

describe('EventBridge endpoint with the real AWS SDK client', () => {
  it('listens on 127.0.0.1', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('PutEvents succeeds and the event reaches the rule target', async () => {
    const time = new Date('2026-03-01T10:20:30Z');
    const out = await client.send(new PutEventsCommand({ Entries: [orderEntry('PO-1', time)] }));
    expect(out.FailedEntryCount).toBe(0);
    expect(out.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    await bus.idle();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      id: out.Entries?.[0]?.EventId,
      source: 'supplyline.procurement',
      'detail-type': 'PurchaseOrderCreated',
      account,
      region,
      time: '2026-03-01T10:20:30Z',
      detail: { purchaseOrderId: 'PO-1' },
    });
  });

  it('accepts the bus ARN as EventBusName and sends entries without one to the default bus', async () => {
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          { ...orderEntry('PO-1'), EventBusName: bus.arn },
          { Source: 'supplyline.procurement', DetailType: 'PurchaseOrderCreated', Detail: '{}' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    await bus.idle();
    expect(received).toHaveLength(1); // the second one went to the (rule-less) default bus
  });

  it('PutEvents reports a partial failure per entry, in request order', async () => {
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          orderEntry('PO-1'),
          { ...orderEntry('PO-2'), Detail: '{"broken": ' },
          { ...orderEntry('PO-3'), EventBusName: 'no-such-bus' },
          orderEntry('PO-4'),
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(2);
    expect(out.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual([
      'ok',
      'MalformedDetail',
      'ResourceNotFoundException',
      'ok',
    ]);
    expect(out.Entries?.[1]?.ErrorMessage).toBe('Detail is malformed.');
    await bus.idle();
    expect(received.map((e) => e.detail.purchaseOrderId)).toEqual(['PO-1', 'PO-4']);
  });

  it('rejects more than 10 entries with a ValidationException', async () => {
    const entries = Array.from({ length: 11 }, (_, i) => orderEntry(`PO-${i}`));
    await expect(client.send(new PutEventsCommand({ Entries: entries }))).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('answers operations it does not implement with UnknownOperationException', async () => {
    await expect(client.send(new ListRulesCommand({}))).rejects.toMatchObject({
      name: 'UnknownOperationException',
      $metadata: { httpStatusCode: 400 },
    });
    const raw = await fetch(server.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.Nope', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(raw.status).toBe(400);
    expect(raw.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await raw.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('StartReplay and DescribeReplay replay an archive window to the bus', async () => {
    await client.send(
      new PutEventsCommand({
        Entries: [
          orderEntry('PO-2', new Date('2026-03-01T11:00:00Z')),
          orderEntry('PO-1', new Date('2026-03-01T10:00:00Z')),
          orderEntry('PO-out', new Date('2026-03-05T10:00:00Z')),
        ],
      }),
    );
    await bus.idle();
    received.length = 0;

    const started = await client.send(
      new StartReplayCommand({
        ReplayName: 'po-backfill',
        EventSourceArn: archive.arn,
        EventStartTime: new Date('2026-03-01T00:00:00Z'),
        EventEndTime: new Date('2026-03-02T00:00:00Z'),
        Destination: { Arn: bus.arn, FilterArns: [bus.ruleArn('purchase-orders')] },
      }),
    );
    expect(started.State).toBe('STARTING');
    expect(started.ReplayArn).toBe(`arn:aws:events:${region}:${account}:replay/po-backfill`);

    await server.replays.get('po-backfill')?.done;
    await bus.idle();
    const described = await client.send(new DescribeReplayCommand({ ReplayName: 'po-backfill' }));
    expect(described.State).toBe('COMPLETED');
    expect(described.EventSourceArn).toBe(archive.arn);
    expect(described.EventStartTime?.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(described.EventLastReplayedTime?.toISOString()).toBe('2026-03-01T11:00:00.000Z');
    expect(received.map((e) => [e.detail.purchaseOrderId, e['replay-name']])).toEqual([
      ['PO-1', 'po-backfill'],
      ['PO-2', 'po-backfill'],
    ]);

    await expect(client.send(new DescribeReplayCommand({ ReplayName: 'unknown' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});
