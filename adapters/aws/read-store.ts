/**
 * The system APIs' read store in DynamoDB (TABLES.systemReadStore, ADR 12): one item per view,
 * keyed `<view>#<id>`. The fill lease is two attributes on the same item, taken by a conditional
 * update, so one caller across every Lambda instance reads the ERP for a miss and the others read
 * the item it fills. Lists query the sparse `byView` index in `<updatedAt>#<id>` order.
 */
import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReadStore, StoreEntry, StoredView, SystemView, ViewQuery } from '../../domain/ports/read-store';
import { listPosition } from '../../domain/system-apis/cursor';
import { isConditionFailure } from './sdk-errors';

/** How long the store keeps a view the systems of record do not know (a 404 answer). */
const UNKNOWN_VIEW_TTL_SECONDS = 24 * 3600;

/** Query pages read at most for one list page whose filters leave few matches. */
const MAX_QUERY_PAGES = 10;

const keyOf = (view: SystemView, id: string) => ({ pk: `${view}#${id}` });

/** {@link ReadStore} on DynamoDB. */
export class DynamoDbReadStore implements ReadStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(view: SystemView, id: string): Promise<StoreEntry> {
    const { Item } = await this.documents.send(
      // Consistent: a waiter must see the fill the moment it is written.
      new GetCommand({ TableName: this.tableName, Key: keyOf(view, id), ConsistentRead: true }),
    );
    if (!Item) return {};
    return {
      ...(typeof Item.etag === 'string' ? { stored: toView(Item) } : {}),
      ...(typeof Item.leaseUntil === 'number' ? { leaseUntil: Item.leaseUntil } : {}),
    };
  }

  async takeLease(view: SystemView, id: string, owner: string, untilMs: number, nowMs: number) {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(view, id),
          UpdateExpression: 'SET #owner = :owner, #until = :until',
          ConditionExpression: 'attribute_not_exists(#until) OR #until <= :now',
          ExpressionAttributeNames: { '#owner': 'leaseOwner', '#until': 'leaseUntil' },
          ExpressionAttributeValues: { ':owner': owner, ':until': untilMs, ':now': nowMs },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async fill(stored: StoredView, owner: string): Promise<void> {
    const known = stored.body !== null;
    const values: Record<string, unknown> = {
      ':view': stored.view,
      ':id': stored.id,
      ':body': JSON.stringify(stored.body),
      ':etag': stored.etag,
      ':asOf': stored.asOf,
      ':updatedAt': stored.updatedAt,
      ':filters': stored.filters,
      ':owner': owner,
    };
    // A known view joins the lists (`position`); an unknown one expires instead.
    const set = ['#view = :view', 'id = :id', 'body = :body', 'etag = :etag', 'asOf = :asOf'];
    set.push('updatedAt = :updatedAt', 'filters = :filters');
    if (known) {
      set.push('#position = :position');
      values[':position'] = listPosition(stored.updatedAt, stored.id);
    } else {
      set.push('expiresAt = :expiresAt');
      values[':expiresAt'] = Math.ceil(Date.parse(stored.asOf) / 1000) + UNKNOWN_VIEW_TTL_SECONDS;
    }
    const remove = ['leaseOwner', 'leaseUntil', known ? 'expiresAt' : '#position'];
    await unlessConditionFails(
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(stored.view, stored.id),
          UpdateExpression: `SET ${set.join(', ')} REMOVE ${remove.join(', ')}`,
          // Only while the lease is ours: a filler that outlived its lease must not overwrite the
          // newer fill of the caller that took it over.
          ConditionExpression: 'attribute_not_exists(leaseOwner) OR leaseOwner = :owner',
          ExpressionAttributeNames: { '#view': 'view', '#position': 'position' },
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async release(view: SystemView, id: string, owner: string): Promise<void> {
    await unlessConditionFails(
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(view, id),
          UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': owner },
        }),
      ),
    );
  }

  async invalidate(view: SystemView, id: string, at: string): Promise<void> {
    await unlessConditionFails(
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(view, id),
          UpdateExpression: 'SET invalidatedAt = :at',
          // Only views the store holds, and never back in time (events arrive out of order).
          ConditionExpression:
            'attribute_exists(etag) AND (attribute_not_exists(invalidatedAt) OR invalidatedAt < :at)',
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    );
  }

  async list(query: ViewQuery): Promise<{ views: StoredView[]; last?: string }> {
    const names: Record<string, string> = { '#view': 'view' };
    const values: Record<string, unknown> = { ':view': query.view };
    const conditions: string[] = [];
    Object.entries(query.filters).forEach(([name, value], index) => {
      names['#filters'] = 'filters';
      names[`#f${index}`] = name;
      values[`:f${index}`] = value;
      conditions.push(`#filters.#f${index} = :f${index}`);
    });
    if (query.after !== undefined) {
      names['#position'] = 'position';
      values[':after'] = query.after;
    }
    const views: StoredView[] = [];
    let startKey: Record<string, unknown> | undefined;
    for (let pages = 0; pages < MAX_QUERY_PAGES && views.length < query.limit; pages++) {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byView',
          KeyConditionExpression: `#view = :view${query.after === undefined ? '' : ' AND #position > :after'}`,
          ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          Limit: query.limit - views.length,
          ExclusiveStartKey: startKey,
        }),
      );
      views.push(...(page.Items ?? []).map(toView));
      startKey = page.LastEvaluatedKey;
      if (!startKey) return { views };
    }
    // More may follow: continue after the last view answered, or the last one examined.
    const last = views.at(-1);
    return { views, last: last ? listPosition(last.updatedAt, last.id) : (startKey?.position as string) };
  }
}

/** A conditional write whose condition failing is an expected outcome (someone else's lease or fill). */
async function unlessConditionFails(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

function toView(item: Record<string, unknown>): StoredView {
  return {
    view: item.view as SystemView,
    id: item.id as string,
    body: JSON.parse(item.body as string) as Record<string, unknown> | null,
    etag: item.etag as string,
    asOf: item.asOf as string,
    updatedAt: item.updatedAt as string,
    filters: (item.filters ?? {}) as Record<string, string>,
    ...(typeof item.invalidatedAt === 'string' ? { invalidatedAt: item.invalidatedAt } : {}),
  };
}
