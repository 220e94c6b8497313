import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryLedger } from '../../../adapters/aws/delivery-ledger';
import { mapForecastException } from '../../../adapters/planning/mapping';
import { forecastExceptionDelivery } from '../../fixtures/planning';

const dynamo = mockClient(DynamoDBDocumentClient);
afterEach(() => dynamo.reset());

const NOW = new Date('2026-11-27T08:00:00.000Z');
const UNTIL = new Date('2026-11-27T08:00:15.000Z');
const event = mapForecastException(forecastExceptionDelivery(), {
  tenantId: 'acme',
  now: () => NOW,
  newId: () => '00000000-0000-4000-8000-000000000001',
});
const version = { objectKey: 'ForecastException#CONSENSUS-2026W48:EXC-88213', version: 7 };
const ledger = () =>
  new DeliveryLedger(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'ledger', () => NOW);
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('delivery ledger (SDK boundary)', () => {
  it('claims in progress until the given time, and may take over only an abandoned claim of the same version', async () => {
    dynamo.on(UpdateCommand).resolves({});
    expect(await ledger().claim(event, version, UNTIL)).toEqual({ outcome: 'claimed' });
    const input = dynamo.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.ExpressionAttributeValues).toMatchObject({
      ':inProgress': 'in-progress',
      ':until': UNTIL.getTime(),
      ':now': NOW.getTime(),
      ':version': 7,
    });
    expect(input.ConditionExpression).toContain(
      '(#version = :version AND (#state = :inProgress AND inProgressUntil < :now))',
    );
  });

  it('claims an unversioned delivery in progress, taking over only an abandoned claim', async () => {
    dynamo.on(PutCommand).resolves({});
    await ledger().claim(event, undefined, UNTIL);
    const input = dynamo.commandCalls(PutCommand)[0]!.args[0].input;
    expect(input.Item).toMatchObject({ state: 'in-progress', inProgressUntil: UNTIL.getTime() });
    expect(input.ConditionExpression).toBe(
      'attribute_not_exists(pk) OR (#state = :inProgress AND inProgressUntil < :now)',
    );
  });

  it.each([
    [
      'in progress in another invocation',
      { version: 7, eventId: 'e-1', state: 'in-progress', inProgressUntil: NOW.getTime() + 9_200 },
      { outcome: 'in-progress', retryAfterSeconds: 10 },
    ],
    [
      'completed',
      { version: 7, eventId: 'e-1', state: 'completed' },
      { outcome: 'duplicate', eventId: 'e-1' },
    ],
    [
      'recorded before claims had a state (completed)',
      { version: 7, eventId: 'e-1' },
      { outcome: 'duplicate', eventId: 'e-1' },
    ],
    [
      'a newer version in progress',
      { version: 8, eventId: 'e-2', state: 'in-progress', inProgressUntil: NOW.getTime() + 9_000 },
      { outcome: 'stale' },
    ],
  ])('answers a claim refused because the change is %s', async (_case, item, outcome) => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({ Item: { pk: version.objectKey, sk: 'VERSION', ...item } });
    expect(await ledger().claim(event, version, UNTIL)).toEqual(outcome);
  });

  it('completes only its own claim, and leaves a newer claim alone', async () => {
    dynamo.on(UpdateCommand).resolves({});
    await ledger().complete(event, version);
    const input = dynamo.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      UpdateExpression: 'SET #state = :completed REMOVE inProgressUntil',
      ConditionExpression: 'eventId = :eventId',
      ExpressionAttributeValues: { ':eventId': event.eventId, ':completed': 'completed' },
    });
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    await expect(ledger().complete(event, version)).resolves.toBeUndefined();
  });

  it('gives an abandoned claim it took over back as abandoned when its own publish fails', async () => {
    dynamo.on(UpdateCommand).resolves({});
    await ledger().release(event, version, {
      outcome: 'claimed',
      previous: { version: 7, eventId: 'e-dead', inProgressUntil: NOW.getTime() - 1 },
    });
    expect(dynamo.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      UpdateExpression:
        'SET #version = :old, eventId = :oldEventId, #state = :inProgress, inProgressUntil = :oldUntil',
      ExpressionAttributeValues: {
        ':eventId': event.eventId,
        ':old': 7,
        ':oldEventId': 'e-dead',
        ':inProgress': 'in-progress',
        ':oldUntil': NOW.getTime() - 1,
      },
    });
  });
});
