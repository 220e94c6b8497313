import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryQuarantine, QUARANTINE_RETENTION_DAYS } from '../../../adapters/aws/delivery-quarantine';
import type { RefusedDelivery } from '../../../domain/ports/quarantine';

const dynamo = mockClient(DynamoDBDocumentClient);
afterEach(() => dynamo.reset());

const NOW = new Date('2026-12-04T23:00:00.000Z');
const quarantine = () =>
  new DeliveryQuarantine(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'quarantine');
const delivery: RefusedDelivery = {
  quarantineId: 'planning-d1',
  system: 'planning',
  eventType: 'forecast.exception',
  deliveryId: 'd1',
  receivedAt: NOW,
  headers: { 'x-planning-event': 'forecast.exception' },
  body: Buffer.from('{"event_id":"e1"}'),
  tenantId: 'acme',
  reason: { status: 422, type: 'urn:supplyline:problem:contract-violation', detail: 'breaks the contract' },
};

describe('delivery quarantine (SDK boundary)', () => {
  it('keeps a delivery in one update: reopened with its reason, one more attempt, expiring 30 days after it', async () => {
    dynamo.on(UpdateCommand).resolves({});
    await quarantine().quarantine(delivery);

    const input = dynamo.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.Key).toEqual({ quarantineId: 'planning-d1' });
    expect(input.UpdateExpression).toContain('firstReceivedAt = if_not_exists(firstReceivedAt, :at)');
    expect(input.UpdateExpression).toContain('ADD attempts :one');
    expect(input.ExpressionAttributeValues).toMatchObject({
      ':open': 'open',
      ':reason': delivery.reason,
      ':body': delivery.body,
      ':at': NOW.toISOString(),
      ':expiresAt': NOW.getTime() / 1000 + QUARANTINE_RETENTION_DAYS * 86_400,
      ':one': 1,
    });
    // The intake's grant is write only: no read may be needed to keep a delivery.
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
    expect(input.ReturnValues).toBeUndefined();
  });

  it('keeps a held delivery (accepted, not carried) with no expiry: its TTL attribute is removed', async () => {
    dynamo.on(UpdateCommand).resolves({});
    const limits = [{ pointer: '/data/poNumber', value: '"PO 1"', limit: 'must match pattern' }];
    await quarantine().quarantine({
      ...delivery,
      held: true,
      reason: { status: 202, type: 'urn:supplyline:problem:canonical-limit', detail: 'held', limits },
    });

    const input = dynamo.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.ExpressionAttributeValues).toMatchObject({ ':open': 'held', ':reason': { limits } });
    expect(input.ExpressionAttributeValues).not.toHaveProperty(':expiresAt');
    expect(input.UpdateExpression).not.toContain('expiresAt =');
    expect(input.UpdateExpression).toMatch(/REMOVE [^:]*\bexpiresAt\b/);
  });

  it('lists a status newest attempt first through the status index, page after page', async () => {
    const item = (id: string) => ({
      quarantineId: id,
      system: 'planning',
      headers: {},
      body: new Uint8Array([123, 125]),
      tenantId: 'acme',
      reason: delivery.reason,
      status: 'open',
      firstReceivedAt: NOW.toISOString(),
      lastAttemptAt: NOW.toISOString(),
      attempts: 2,
      expiresAt: NOW.getTime() / 1000,
    });
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [item('a')], LastEvaluatedKey: { quarantineId: 'a' } })
      .resolvesOnce({ Items: [item('b')] });
    const listed = await quarantine().list('open');
    expect(listed.map((record) => [record.quarantineId, record.attempts, record.expiresAt])).toEqual([
      ['a', 2, NOW.toISOString()],
      ['b', 2, NOW.toISOString()],
    ]);
    const query = dynamo.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(query).toMatchObject({ IndexName: 'byStatus', ScanIndexForward: false });
    expect(query.ExpressionAttributeValues).toEqual({ ':status': 'open' });
  });

  it('resolves only a record that exists, giving a held one (no expiry yet) its 30 days', async () => {
    dynamo.on(UpdateCommand).resolves({});
    await quarantine().resolve('planning-d1', NOW, 'accepted');
    const input = dynamo.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.ConditionExpression).toBe('attribute_exists(quarantineId)');
    expect(input.ExpressionAttributeValues).toEqual({
      ':resolved': 'resolved',
      ':at': NOW.toISOString(),
      ':resolution': 'accepted',
      ':expiresAt': NOW.getTime() / 1000 + QUARANTINE_RETENTION_DAYS * 86_400,
    });
    expect(input.UpdateExpression).toContain('expiresAt = if_not_exists(expiresAt, :expiresAt)');
  });
});
