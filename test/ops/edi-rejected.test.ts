/**
 * `ops edi rejected` on the local DynamoDB (dynalite): partner files the real receiving refused are
 * recorded by the real exception recorder, then listed newest first with partner, code, reason,
 * time and key; other exceptions are not listed; status and partner filter; the CLI's command
 * prints the table or JSON.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntegrationExceptionStore, recordFromEvent } from '../../adapters/aws/integration-exceptions';
import type { IntegrationExceptionRaisedV1 } from '../../canonical/generated/types';
import { receiveInterchange } from '../../domain/edi/inbound-interchange';
import { startLocalDynamo, type LocalDynamo } from '../../local/dynamodb/tables';
import type { OpsContext } from '../../ops/context';
import { ediCommand, rejectedEdiFiles, rejectedEdiTable, type EdiAccess } from '../../ops/edi';
import { GUIDE_855, partnerInterchange } from '../fixtures/edi';
import { memoryInboundPorts } from '../support/edi-memory';

let dynamo: LocalDynamo;
let access: EdiAccess;
let store: IntegrationExceptionStore;
beforeAll(async () => {
  dynamo = await startLocalDynamo({ prefix: 'ops-edi-rejected' });
  access = {
    documents: DynamoDBDocumentClient.from(dynamo.client),
    tables: { integrationExceptions: dynamo.tableNames.integrationExceptions },
  };
  store = new IntegrationExceptionStore(access.documents, access.tables.integrationExceptions);
  // Three files at three times: an unreadable one, a miscounted 855, and an 855 for an order never
  // sent (an exception, but not malformed input).
  const good = partnerInterchange([{ gs01: 'PR', gs06: '55', sets: GUIDE_855 }]);
  await receiveAndRecord('inbound/acme-beverages/a.x12', 'NOT AN INTERCHANGE', '2026-12-05T08:00:00Z');
  await receiveAndRecord(
    'inbound/acme-beverages/b.x12',
    partnerInterchange([{ gs01: 'PR', gs06: '56', sets: GUIDE_855.map((l) => l.replace('SE*6', 'SE*9')) }], {
      isa13: '000000102',
    }),
    '2026-12-05T09:00:00Z',
  );
  await receiveAndRecord('inbound/acme-beverages/c.x12', good, '2026-12-05T10:00:00Z');
  await receiveAndRecord(
    'inbound/stranger/d.x12',
    good.replaceAll('ACMEBEV        ', 'STRANGER       '),
    '2026-12-05T07:00:00Z',
  );
});
afterAll(async () => dynamo.stop());

async function receiveAndRecord(key: string, text: string, at: string): Promise<void> {
  const published: IntegrationExceptionRaisedV1[] = [];
  const ports = memoryInboundPorts(() => new Date(at), published as never);
  ports.mailbox.files.set(key, text);
  await receiveInterchange(key, ports);
  for (const event of published.filter((e) => e.eventType === 'integration-exception.raised'))
    await recordFromEvent(event, store);
}

describe('ops edi rejected', () => {
  it('lists the refused files newest first with partner, code, reason, time and key, and nothing else', async () => {
    const files = await rejectedEdiFiles(access);
    expect(files.map((f) => [f.receivedAt, f.partner, f.code, f.key])).toEqual([
      ['2026-12-05T09:00:00.000Z', 'acme-beverages', 'EDI_DOCUMENT_REJECTED', 'inbound/acme-beverages/b.x12'],
      [
        '2026-12-05T08:00:00.000Z',
        'acme-beverages',
        'EDI_INTERCHANGE_UNREADABLE',
        'inbound/acme-beverages/a.x12',
      ],
      ['2026-12-05T07:00:00.000Z', 'stranger', 'EDI_UNKNOWN_SENDER', 'inbound/stranger/d.x12'],
    ]);
    expect(files[0]!.reason).toMatch(/AK5 R 4/);
    const text = rejectedEdiTable(files);
    expect(text.split('\n')[0]).toMatch(/^RECEIVED\s+PARTNER\s+CODE\s+STATUS\s+KEY\s+REASON$/);
    expect(text).toContain('stranger (unknown sender)');
    expect(text).toContain('2026-12-05T09:00:00Z  acme-beverages');
  });

  it('filters by partner and by status: a resolved file leaves the OPEN list', async () => {
    expect((await rejectedEdiFiles(access, { partner: 'stranger' })).map((f) => f.key)).toEqual([
      'inbound/stranger/d.x12',
    ]);
    const [unreadable] = await rejectedEdiFiles(access, { partner: 'acme-beverages', limit: 1 });
    expect(unreadable!.key).toBe('inbound/acme-beverages/b.x12');
    await store.resolve(unreadable!.exceptionId, { reason: 'partner re-sent it', resolvedBy: 'ops' });
    expect((await rejectedEdiFiles(access, { status: 'OPEN' })).map((f) => f.key)).not.toContain(
      'inbound/acme-beverages/b.x12',
    );
    expect(await rejectedEdiFiles(access, { status: 'RESOLVED' })).toMatchObject([
      { key: 'inbound/acme-beverages/b.x12', status: 'RESOLVED' },
    ]);
  });

  it('runs as the CLI command: JSON or the table, and refuses an unknown status', async () => {
    const context = {
      topology: { stackName: 'test', tables: { integrationExceptions: access.tables.integrationExceptions } },
      clients: { documents: access.documents },
    } as unknown as OpsContext;
    const printed: unknown[] = [];
    const print = (data: unknown) => void printed.push(data);
    expect(await ediCommand('rejected', { context, partner: 'stranger', print })).toBe(0);
    expect(printed).toMatchObject([[{ key: 'inbound/stranger/d.x12', code: 'EDI_UNKNOWN_SENDER' }]]);
    await expect(ediCommand('rejected', { context, status: 'gone', print })).rejects.toThrow(
      /--status must be OPEN or RESOLVED/,
    );
  });
});
