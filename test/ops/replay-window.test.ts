/**
 * A replay older than the consumers' idempotency window would execute its events again: it is
 * refused before anything reaches EventBridge.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient, StartReplayCommand } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_WINDOW_SECONDS } from '../../adapters/aws/idempotent-publisher';
import { refuseBeyondIdempotencyWindow, replay } from '../../ops/replay';
import type { StackTopology } from '../../ops/topology';

const eventBridge = mockClient(EventBridgeClient);
const DAY_MS = 86_400_000;

const topology = {
  stackName: 'Supplyline-dev',
  bus: { name: 'supplyline-dev', arn: 'arn:aws:events:eu-west-1:123456789012:event-bus/supplyline-dev' },
  archive: { name: 'supplyline-dev-archive', arn: 'arn:aws:events:eu-west-1:123456789012:archive/a' },
  rules: [],
  consumers: [],
} as unknown as StackTopology;

afterEach(() => eventBridge.reset());

describe('replay and the idempotency window', () => {
  it('refuses a window that starts before the consumers remember, and sends nothing', async () => {
    // Prepare: the archive keeps 90 days in prod; the consumers remember 7.
    expect(IDEMPOTENCY_WINDOW_SECONDS).toBe(7 * 86_400);
    const from = new Date(Date.now() - 8 * DAY_MS);

    // Act + Assess
    await expect(
      replay(
        {
          eventBridge: new EventBridgeClient({}),
          cloudWatch: new CloudWatchClient({}),
          sqs: new SQSClient({}),
        },
        topology,
        { from, to: new Date() },
      ),
    ).rejects.toThrow(/older than the consumers' idempotency window \(7 days\).*Replay from/);
    expect(eventBridge.commandCalls(StartReplayCommand)).toHaveLength(0);
  });

  it('admits a window inside the idempotency window, to the millisecond', () => {
    const now = new Date('2026-12-04T12:00:00.000Z');
    const earliest = new Date(now.getTime() - 7 * DAY_MS);
    expect(() => refuseBeyondIdempotencyWindow(earliest, now)).not.toThrow();
    expect(() => refuseBeyondIdempotencyWindow(new Date(earliest.getTime() - 1), now)).toThrow(
      /Replay from 2026-11-27T12:00:00.000Z or later/,
    );
  });
});
