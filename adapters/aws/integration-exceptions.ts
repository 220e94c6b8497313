/**
 * The integration exception store in DynamoDB (TABLES.integrationExceptions). One item per
 * exception, keyed `exceptionId`, holding the canonical IntegrationException plus what the
 * canonical object does not carry: who resolved it (`resolvedBy`) and the raised event's
 * `correlationId` / `tenantId`, so the resolution joins the same business flow.
 * The `byStatus` index (status, raisedAt) serves the work list, oldest first, and the dashboard.
 */
import { isConditionFailure } from './sdk-errors';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type {
  IntegrationException,
  IntegrationExceptionRaisedV1,
  IntegrationExceptionResolvedV1,
} from '../../canonical/generated/types';
import {
  EXCEPTION_STATUSES,
  IntegrationExceptionAlreadyResolved,
  IntegrationExceptionNotFound,
  isExceptionStatus,
  normalisedTime,
  openExceptionStats,
  resolvedException,
  withAge,
  type AgedIntegrationException,
  type ExceptionStatus,
  type OpenExceptionStats,
  type Resolution,
} from '../../domain/integration-exceptions';
import { ContractViolation } from '../../domain/failures';
import type { OpenIntegrationException } from '../../domain/ports/integration-exceptions';
import type { ObjectRef } from './sync-ledger';

const BY_STATUS = 'byStatus';

/** Default and largest page of the work list. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** Whether a record call stored something new or met what was already there. */
export type RecordOutcome = 'recorded' | 'duplicate';

/** Envelope facts kept with an exception so that its resolution joins the same flow. */
export interface RaisedFacts {
  correlationId?: string;
  tenantId?: string;
}

/** A stored exception with the facts kept beside it. */
export interface StoredIntegrationException extends OpenIntegrationException {
  resolvedBy?: string;
}

/** A page of the work list. */
export interface ExceptionPage {
  items: AgedIntegrationException[];
  /** Opaque; present when more items follow. */
  nextToken?: string;
}

/** The `nextToken` of a list request is not one this store gave out. */
export class InvalidPageToken extends Error {
  override readonly name = 'InvalidPageToken';
  constructor() {
    super('nextToken is not a token from a previous page of this list.');
  }
}

interface PageToken {
  /** Status partition the next page starts in. */
  s: ExceptionStatus;
  /** DynamoDB exclusive start key in that partition; absent = from its start. */
  k?: Record<string, string>;
}

function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');
}

function decodeToken(text: string): PageToken {
  let token: unknown;
  try {
    token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidPageToken();
  }
  const { s, k } = (token ?? {}) as { s?: unknown; k?: unknown };
  const keyOk =
    k === undefined ||
    (typeof k === 'object' &&
      k !== null &&
      !Array.isArray(k) &&
      Object.values(k).every((value) => typeof value === 'string'));
  if (!isExceptionStatus(s) || !keyOk) throw new InvalidPageToken();
  return { s, ...(k === undefined ? {} : { k: k as Record<string, string> }) };
}

/** Attributes without the undefined ones (DynamoDB has no undefined). */
function defined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}

/** The canonical object out of a stored item (store-only attributes dropped). */
function fromItem(item: Record<string, unknown>): StoredIntegrationException {
  const exception: IntegrationException = {
    exceptionId: item.exceptionId as string,
    category: item.category as IntegrationException['category'],
    code: item.code as string,
    message: item.message as string,
    status: item.status as ExceptionStatus,
    objectType: item.objectType as string,
    objectId: item.objectId as string,
    system: item.system as IntegrationException['system'],
    raisedAt: item.raisedAt as string,
    resolvedAt: (item.resolvedAt as string | null | undefined) ?? null,
    resolution: (item.resolution as string | null | undefined) ?? null,
    ...(item.details === undefined || item.details === null ? {} : { details: item.details as string }),
  };
  return {
    exception,
    ...(typeof item.resolvedBy === 'string' ? { resolvedBy: item.resolvedBy } : {}),
    ...(typeof item.correlationId === 'string' ? { correlationId: item.correlationId } : {}),
    ...(typeof item.tenantId === 'string' ? { tenantId: item.tenantId } : {}),
    ...(typeof item.escalatedAt === 'string' ? { escalatedAt: item.escalatedAt } : {}),
  };
}

export class IntegrationExceptionStore {
  /** A query of the OPEN partition of the `byStatus` index, oldest first. */
  private openPartition(more: Partial<QueryCommandInput> = {}): QueryCommand {
    return new QueryCommand({
      TableName: this.tableName,
      IndexName: BY_STATUS,
      KeyConditionExpression: '#status = :open',
      ExpressionAttributeNames: { '#status': 'status' },
      ScanIndexForward: true,
      ...more,
      ExpressionAttributeValues: { ':open': 'OPEN', ...more.ExpressionAttributeValues },
    });
  }

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Records a raised exception once: the same exceptionId again (a redelivery, or a raise that
   * arrives after its resolution) leaves the stored one as it is.
   */
  async record(exception: IntegrationException, facts: RaisedFacts = {}): Promise<RecordOutcome> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: defined({
            ...exception,
            raisedAt: normalisedTime(exception.raisedAt),
            ...(exception.resolvedAt ? { resolvedAt: normalisedTime(exception.resolvedAt) } : {}),
            ...facts,
          }),
          ConditionExpression: 'attribute_not_exists(exceptionId)',
        }),
      );
      return 'recorded';
    } catch (error) {
      if (isConditionFailure(error)) return 'duplicate';
      throw error;
    }
  }

  /**
   * Records an exception resolved elsewhere (an `integration-exception.resolved` event): creates
   * it if its raise was never seen, resolves it if OPEN, and leaves an already resolved one alone.
   */
  async recordResolved(
    exception: IntegrationException & { resolvedAt: string },
    facts: RaisedFacts = {},
  ): Promise<RecordOutcome> {
    const values = defined({
      ...exception,
      status: 'RESOLVED',
      raisedAt: normalisedTime(exception.raisedAt),
      resolvedAt: normalisedTime(exception.resolvedAt),
      ...facts,
    });
    delete values.exceptionId;
    const names = Object.keys(values);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { exceptionId: exception.exceptionId },
          UpdateExpression: `SET ${names.map((_, index) => `#n${index} = :v${index}`).join(', ')}`,
          ConditionExpression: 'attribute_not_exists(exceptionId) OR #status = :open',
          ExpressionAttributeNames: {
            ...Object.fromEntries(names.map((name, index) => [`#n${index}`, name])),
            '#status': 'status',
          },
          ExpressionAttributeValues: {
            ...Object.fromEntries(names.map((name, index) => [`:v${index}`, values[name]])),
            ':open': 'OPEN',
          },
        }),
      );
      return 'recorded';
    } catch (error) {
      if (isConditionFailure(error)) return 'duplicate';
      throw error;
    }
  }

  /** The exception with the facts kept beside it, or undefined. */
  async getStored(exceptionId: string): Promise<StoredIntegrationException | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { exceptionId }, ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  /** The exception, or undefined. */
  async get(exceptionId: string): Promise<IntegrationException | undefined> {
    return (await this.getStored(exceptionId))?.exception;
  }

  /**
   * Resolves an OPEN exception with the person's reason; only one resolution can win.
   * @throws IntegrationExceptionNotFound | IntegrationExceptionAlreadyResolved
   */
  async resolve(
    exceptionId: string,
    resolution: Resolution,
  ): Promise<StoredIntegrationException & { exception: { resolvedAt: string } }> {
    const stored = await this.getStored(exceptionId);
    if (!stored) throw new IntegrationExceptionNotFound(exceptionId);
    const exception = resolvedException(stored.exception, resolution, this.now());
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { exceptionId },
          UpdateExpression:
            'SET #status = :resolved, resolvedAt = :at, resolution = :reason, resolvedBy = :by',
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':resolved': 'RESOLVED',
            ':open': 'OPEN',
            ':at': exception.resolvedAt,
            ':reason': resolution.reason,
            ':by': resolution.resolvedBy,
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Someone resolved it between our read and our write.
      const current = await this.get(exceptionId);
      if (!current) throw new IntegrationExceptionNotFound(exceptionId);
      throw new IntegrationExceptionAlreadyResolved(exceptionId, current.resolvedAt ?? null);
    }
    return {
      ...stored,
      exception: exception as IntegrationException & { resolvedAt: string },
      resolvedBy: resolution.resolvedBy,
    };
  }

  /** Reopens an exception that the resolution made at `resolvedAt` resolved (and no other did). */
  async undoResolution(exceptionId: string, resolvedAt: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { exceptionId },
          UpdateExpression: 'SET #status = :open REMOVE resolvedAt, resolution, resolvedBy',
          ConditionExpression: '#status = :resolved AND resolvedAt = :at',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':open': 'OPEN', ':resolved': 'RESOLVED', ':at': resolvedAt },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * The work list: exceptions of `status`, or all of them OPEN first, oldest first, each with its
   * age by the store's clock.
   * @throws InvalidPageToken for a `nextToken` this store did not give out.
   */
  async list(
    options: { status?: ExceptionStatus; limit?: number; nextToken?: string } = {},
  ): Promise<ExceptionPage> {
    const limit = Math.min(Math.max(1, Math.floor(options.limit ?? DEFAULT_PAGE_SIZE)), MAX_PAGE_SIZE);
    const statuses: readonly ExceptionStatus[] = options.status ? [options.status] : EXCEPTION_STATUSES;
    let position: PageToken = options.nextToken ? decodeToken(options.nextToken) : { s: statuses[0]! };
    if (!statuses.includes(position.s)) throw new InvalidPageToken();
    const now = this.now();
    const items: AgedIntegrationException[] = [];
    for (;;) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: BY_STATUS,
          KeyConditionExpression: '#status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': position.s },
          ScanIndexForward: true,
          Limit: limit - items.length,
          ExclusiveStartKey: position.k,
        }),
      );
      items.push(
        ...(page.Items ?? []).map((item) => {
          const stored = fromItem(item);
          return withAge(stored.exception, now, stored.escalatedAt);
        }),
      );
      const next: PageToken | undefined = page.LastEvaluatedKey
        ? { s: position.s, k: page.LastEvaluatedKey as Record<string, string> }
        : statuses[statuses.indexOf(position.s) + 1] !== undefined
          ? { s: statuses[statuses.indexOf(position.s) + 1]! }
          : undefined;
      if (!next) return { items };
      if (items.length >= limit) return { items, nextToken: encodeToken(next) };
      position = next;
    }
  }

  /** The OPEN exceptions about one business object, oldest first (for the sync status API). */
  async openFor(ref: ObjectRef): Promise<IntegrationException[]> {
    const found: IntegrationException[] = [];
    let startKey: Record<string, unknown> | undefined;
    // Open exceptions are few (people resolve them), so filtering the OPEN partition is cheap.
    do {
      const page = await this.client.send(
        this.openPartition({
          FilterExpression: 'objectType = :type AND objectId = :id',
          ExpressionAttributeValues: { ':type': ref.objectType, ':id': ref.objectId },
          ExclusiveStartKey: startKey,
        }),
      );
      found.push(...(page.Items ?? []).map((item) => fromItem(item).exception));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return found;
  }

  /** Every OPEN exception with the facts kept beside it, oldest first, a page at a time. */
  async *openExceptions(): AsyncGenerator<StoredIntegrationException> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(this.openPartition({ ExclusiveStartKey: startKey }));
      // The index projects every attribute, so the item is whole.
      for (const item of page.Items ?? []) yield fromItem(item);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  /**
   * The exceptions about `objectType` with one of `codes`, in `status` (OPEN then RESOLVED when
   * omitted), oldest first within each status: the index is filtered, not scanned.
   */
  async *withCodes(
    objectType: string,
    codes: readonly string[],
    status?: ExceptionStatus,
  ): AsyncGenerator<IntegrationException> {
    const codeValues = Object.fromEntries(codes.map((code, index) => [`:c${index}`, code]));
    for (const partition of status ? [status] : EXCEPTION_STATUSES) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: BY_STATUS,
            KeyConditionExpression: '#status = :status',
            FilterExpression: `objectType = :type AND #code IN (${Object.keys(codeValues).join(', ')})`,
            ExpressionAttributeNames: { '#status': 'status', '#code': 'code' },
            ExpressionAttributeValues: { ':status': partition, ':type': objectType, ...codeValues },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) yield fromItem(item).exception;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }
  }

  /**
   * Marks an OPEN, not yet escalated exception escalated at `escalatedAt`.
   * @returns false when the condition failed: resolved meanwhile, or escalated by another pass.
   */
  async markEscalated(exceptionId: string, escalatedAt: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { exceptionId },
          UpdateExpression: 'SET escalatedAt = :at',
          ConditionExpression: '#status = :open AND attribute_not_exists(escalatedAt)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':open': 'OPEN', ':at': escalatedAt },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Takes back the escalation mark made at `escalatedAt` (and no other). */
  async undoEscalation(exceptionId: string, escalatedAt: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { exceptionId },
          UpdateExpression: 'REMOVE escalatedAt',
          ConditionExpression: 'escalatedAt = :at',
          ExpressionAttributeValues: { ':at': escalatedAt },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** How many exceptions are open and how old the oldest is, for the dashboard metrics. */
  async openStats(): Promise<OpenExceptionStats> {
    const now = this.now();
    const oldest = await this.client.send(this.openPartition({ Limit: 1 }));
    let openCount = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        this.openPartition({ Select: 'COUNT', ExclusiveStartKey: startKey }),
      );
      openCount += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return openExceptionStats(openCount, oldest.Items?.[0]?.raisedAt as string | undefined, now);
  }
}

/** The events the recorder consumer receives. */
export type IntegrationExceptionEvent = IntegrationExceptionRaisedV1 | IntegrationExceptionResolvedV1;

/**
 * Records an `integration-exception.raised` or `.resolved` event in the store, idempotently and
 * in any order: a redelivered raise, a raise after its resolution, or a resolution this API made
 * itself (it is already stored) all come back `duplicate` and change nothing.
 * @throws ContractViolation for any other event type.
 */
export async function recordFromEvent(
  event: IntegrationExceptionEvent,
  store: IntegrationExceptionStore,
): Promise<RecordOutcome> {
  const facts: RaisedFacts = { correlationId: event.correlationId, tenantId: event.tenantId };
  switch (event.eventType) {
    case 'integration-exception.raised':
      return store.record({ ...event.data, status: 'OPEN', resolvedAt: null, resolution: null }, facts);
    case 'integration-exception.resolved':
      return store.recordResolved(
        { ...event.data, status: 'RESOLVED', resolvedAt: event.data.resolvedAt ?? event.occurredAt },
        facts,
      );
    default:
      throw new ContractViolation(
        `not an integration exception event: ${(event as { eventType?: unknown }).eventType as string}`,
        'supplyline',
      );
  }
}
