/**
 * Breaker state in DynamoDB (table `circuitBreaker`, partition key `endpoint`), one item per
 * endpoint. Call counters are per-bucket attributes (`c<epochSeconds>`, `f<epochSeconds>`) bumped
 * with atomic ADD, so concurrent instances never lose a count and a healthy call is one write.
 * State changes are version-checked updates of the state attributes only, so they never clobber
 * counters written in between and exactly one instance wins each transition.
 */
import { isConditionFailure } from '../aws/sdk-errors';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CLOSED, type BreakerState, type BreakerStatus } from './breaker-state';
import type { BreakerSnapshot, BreakerStore } from './circuit-breaker';

const STATUSES: ReadonlySet<string> = new Set<BreakerStatus>(['closed', 'open', 'half-open']);
const BUCKET_ATTRIBUTE = /^([cf])(\d+)$/;

/** {@link BreakerStore} on a DynamoDB table keyed by `endpoint`. */
export class DynamoDbBreakerStore implements BreakerStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** @inheritdoc */
  async read(endpoint: string): Promise<BreakerSnapshot> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: { endpoint }, ConsistentRead: true }),
    );
    return toSnapshot(Item);
  }

  /** @inheritdoc */
  async recordCall(
    endpoint: string,
    call: { bucket: number; failed: boolean; staleBuckets: readonly number[] },
  ): Promise<BreakerSnapshot> {
    const names: Record<string, string> = { '#c': `c${call.bucket}`, '#f': `f${call.bucket}` };
    const stale = call.staleBuckets.filter((bucket) => bucket !== call.bucket);
    stale.forEach((bucket, index) => {
      names[`#sc${index}`] = `c${bucket}`;
      names[`#sf${index}`] = `f${bucket}`;
    });
    const remove = stale.flatMap((_, index) => [`#sc${index}`, `#sf${index}`]);
    const { Attributes } = await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { endpoint },
        UpdateExpression: `ADD #c :one, #f :failed${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':one': 1, ':failed': call.failed ? 1 : 0 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toSnapshot(Attributes);
  }

  /** @inheritdoc */
  async compareAndSet(
    endpoint: string,
    expectedVersion: number,
    next: BreakerState,
    clearBuckets: readonly number[],
  ): Promise<boolean> {
    const names: Record<string, string> = {
      '#status': 'status',
      '#changedAt': 'changedAt',
      '#openUntil': 'openUntil',
      '#probes': 'probes',
      '#probeLeaseUntil': 'probeLeaseUntil',
      '#version': 'version',
      '#updatedAt': 'updatedAt',
    };
    clearBuckets.forEach((bucket, index) => {
      names[`#xc${index}`] = `c${bucket}`;
      names[`#xf${index}`] = `f${bucket}`;
    });
    const remove = clearBuckets.flatMap((_, index) => [`#xc${index}`, `#xf${index}`]);
    const values: Record<string, unknown> = {
      ':status': next.status,
      ':changedAt': next.changedAt,
      ':openUntil': next.openUntil,
      ':probes': next.probes,
      ':probeLeaseUntil': next.probeLeaseUntil,
      ':next': expectedVersion + 1,
      ':updatedAt': new Date().toISOString(),
    };
    // Version 0 means "never changed": the item may not exist yet or hold only counters.
    let condition = 'attribute_not_exists(#version)';
    if (expectedVersion > 0) {
      condition = '#version = :expected';
      values[':expected'] = expectedVersion;
    }
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { endpoint },
          UpdateExpression:
            'SET #status = :status, #changedAt = :changedAt, #openUntil = :openUntil, #probes = :probes, ' +
            `#probeLeaseUntil = :probeLeaseUntil, #version = :next, #updatedAt = :updatedAt` +
            (remove.length ? ` REMOVE ${remove.join(', ')}` : ''),
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

function toSnapshot(item: Record<string, unknown> | undefined): BreakerSnapshot {
  if (!item) return { state: { ...CLOSED }, version: 0, window: new Map() };
  const number = (name: string) => (typeof item[name] === 'number' ? (item[name] as number) : 0);
  const status = typeof item.status === 'string' && STATUSES.has(item.status) ? item.status : 'closed';
  const window = new Map<number, { calls: number; failures: number }>();
  for (const [name, value] of Object.entries(item)) {
    const match = BUCKET_ATTRIBUTE.exec(name);
    if (!match || typeof value !== 'number') continue;
    const bucket = Number(match[2]);
    const counts = window.get(bucket) ?? { calls: 0, failures: 0 };
    if (match[1] === 'c') counts.calls = value;
    else counts.failures = value;
    window.set(bucket, counts);
  }
  return {
    state: {
      status: status as BreakerStatus,
      changedAt: number('changedAt'),
      openUntil: number('openUntil'),
      probes: number('probes'),
      probeLeaseUntil: number('probeLeaseUntil'),
    },
    version: number('version'),
    window,
  };
}
