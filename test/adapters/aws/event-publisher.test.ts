import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBridgePublisher } from '../../../adapters/aws/event-publisher';
import { mapForecastException } from '../../../adapters/planning/mapping';
import { TransientFailure } from '../../../domain/failures';
import { forecastExceptionDelivery } from '../../fixtures/planning';

const eventBridge = mockClient(EventBridgeClient);
afterEach(() => eventBridge.reset());

let ids = 0;
const context = { tenantId: 'acme', now: () => new Date('2026-11-27T08:00:00Z'), newId: () => `id-${++ids}` };
const events = (count: number) =>
  Array.from({ length: count }, (_, i) =>
    mapForecastException(forecastExceptionDelivery({ exception: { exception_id: `EXC-${i}` } }), context),
  );
const noSleep = { sleep: async () => undefined };

describe('EventBridge publisher', () => {
  it('sends canonical events in calls of at most 10 entries with source, detail-type and the envelope as detail', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map(() => ({ EventId: 'e' })),
    }));
    await new EventBridgePublisher(new EventBridgeClient({}), 'supplyline-dev', noSleep).publish(events(23));
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((call) => call.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
    const entry = calls[0]!.args[0].input.Entries![0]!;
    expect(entry).toMatchObject({
      EventBusName: 'supplyline-dev',
      Source: 'supplyline.planning',
      DetailType: 'forecast-exception.raised',
    });
    expect(JSON.parse(entry.Detail!).idempotencyKey).toBe('forecast-exception:CONSENSUS-2026W48:EXC-0:v7');
  });

  it('retries only the entries EventBridge failed, until they are accepted', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [
          { EventId: 'a' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' },
          { EventId: 'c' },
        ],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }] });
    const batch = events(3);
    await new EventBridgePublisher(new EventBridgeClient({}), 'bus', noSleep).publish(batch);
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args[0].input.Entries!.map((entry) => JSON.parse(entry.Detail!).eventId)).toEqual([
      batch[1]!.eventId,
    ]);
  });

  it('fails as transient when entries keep failing, so the caller retries instead of answering 2xx', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'boom' }],
    });
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bus', { ...noSleep, attempts: 3 });
    await expect(publisher.publish(events(1))).rejects.toBeInstanceOf(TransientFailure);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(3);
  });

  it('fails as transient when the call itself keeps failing', async () => {
    eventBridge.on(PutEventsCommand).rejects(new Error('socket hang up'));
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bus', { ...noSleep, attempts: 2 });
    await expect(publisher.publish(events(1))).rejects.toThrow(/socket hang up/);
  });

  it('does not retry an entry EventBridge calls malformed', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }],
    });
    await expect(
      new EventBridgePublisher(new EventBridgeClient({}), 'bus', noSleep).publish(events(1)),
    ).rejects.toThrow(/MalformedDetail/);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });
});
