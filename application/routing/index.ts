/**
 * The routing table with every default applied, and its validation.
 *
 * Plain data and pure functions (no aws-cdk-lib import).
 */
import { isCanonicalEventType, SOURCE_SYSTEMS } from './event-types';
import { LANE_NAMES, LANES, VISIBILITY_TIMEOUT_FACTOR, type LaneName, type WorkloadLane } from './lanes';
import { BUCKETS } from '../resources';
import { CONSUMER_ROUTES, isObjectsCreated, type ConsumerRoute, type RoutePattern } from './routes';
import type { FunctionKey } from '../functions';

export * from './event-types';
export * from './lanes';
export * from './routes';

/** Per-environment concurrency for a lane. */
export interface LaneConcurrency {
  /** MaximumConcurrency of each consumer in the lane unless its route overrides it (>= 2). */
  readonly perConsumer: number;
  /** The sum of MaximumConcurrency over the lane's consumers may not exceed this. */
  readonly laneBudget: number;
}

/** A route with every setting decided. */
export interface ResolvedRoute {
  readonly consumer: string;
  readonly description: string;
  readonly lane: LaneName;
  readonly handler: FunctionKey;
  readonly pattern: RoutePattern;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly maxConcurrency: number;
  readonly maxReceiveCount: number;
  readonly timeoutSeconds: number;
  readonly visibilityTimeoutSeconds: number;
  readonly delivery: WorkloadLane['delivery'];
}

/** Options of {@link resolveRoutes}. */
export interface ResolveRoutesOptions {
  readonly routes?: readonly ConsumerRoute[];
  readonly lanes?: Readonly<Record<LaneName, WorkloadLane>>;
  /** Environment concurrency per lane; without it the lane defaults apply and no budget is checked. */
  readonly concurrency?: Readonly<Record<LaneName, LaneConcurrency>>;
}

const CONSUMER_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Applies lane and environment defaults to every route and validates the result.
 * @throws Error listing every problem found, so one run shows them all.
 */
export function resolveRoutes(options: ResolveRoutesOptions = {}): ResolvedRoute[] {
  const routes = options.routes ?? CONSUMER_ROUTES;
  const lanes = options.lanes ?? LANES;
  const problems: string[] = [];
  const seen = new Set<string>();

  const resolved = routes.map((route): ResolvedRoute => {
    const where = `route '${route.consumer}'`;
    if (!CONSUMER_NAME.test(route.consumer)) problems.push(`${where}: consumer must be kebab-case`);
    if (route.consumer.length > 50) problems.push(`${where}: consumer name longer than 50 characters`);
    if (seen.has(route.consumer)) problems.push(`${where}: consumer is defined twice`);
    seen.add(route.consumer);

    const lane = lanes[route.lane];
    if (!lane) {
      problems.push(`${where}: unknown lane '${String(route.lane)}' (lanes: ${LANE_NAMES.join(', ')})`);
    }
    const batchSize = route.batchSize ?? lane?.batchSize ?? 1;
    const window = route.maxBatchingWindowSeconds ?? lane?.maxBatchingWindowSeconds ?? 0;
    const maxConcurrency =
      route.maxConcurrency ?? options.concurrency?.[route.lane]?.perConsumer ?? lane?.maxConcurrency ?? 2;
    const timeoutSeconds = route.timeoutSeconds ?? lane?.consumerTimeoutSeconds ?? 30;

    problems.push(...validatePattern(where, route.pattern));
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
      problems.push(`${where}: batchSize ${batchSize} must be an integer 1-10000`);
    }
    if (batchSize > 10 && window === 0) {
      problems.push(`${where}: batchSize ${batchSize} above 10 needs a batching window above 0 (SQS rule)`);
    }
    if (!Number.isInteger(window) || window < 0 || window > 300) {
      problems.push(`${where}: maxBatchingWindowSeconds ${window} must be an integer 0-300`);
    }
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 2 || maxConcurrency > 1000) {
      problems.push(
        `${where}: maxConcurrency ${maxConcurrency} must be an integer 2-1000 (SQS MaximumConcurrency)`,
      );
    }
    if (
      !Number.isInteger(route.maxReceiveCount) ||
      route.maxReceiveCount < 1 ||
      route.maxReceiveCount > 1000
    ) {
      problems.push(`${where}: maxReceiveCount ${route.maxReceiveCount} must be an integer 1-1000`);
    }
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 900) {
      problems.push(`${where}: timeoutSeconds ${timeoutSeconds} must be an integer 1-900 (Lambda limit)`);
    }
    const delivery = lane?.delivery ?? { retryAttempts: 185, maxEventAgeSeconds: 86_400 };
    return {
      consumer: route.consumer,
      description: route.description,
      lane: route.lane,
      handler: route.handler,
      pattern: route.pattern,
      batchSize,
      maxBatchingWindowSeconds: window,
      maxConcurrency,
      maxReceiveCount: route.maxReceiveCount,
      timeoutSeconds,
      visibilityTimeoutSeconds: timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR,
      delivery,
    };
  });

  if (options.concurrency) {
    for (const laneName of LANE_NAMES) {
      const budget = options.concurrency[laneName]?.laneBudget;
      if (budget === undefined) continue;
      const used = resolved.filter((r) => r.lane === laneName).reduce((sum, r) => sum + r.maxConcurrency, 0);
      if (used > budget) {
        problems.push(
          `lane '${laneName}': consumers' MaximumConcurrency adds up to ${used}, above the lane budget ${budget}`,
        );
      }
    }
  }

  if (problems.length > 0) throw new Error(`Invalid routing table:\n- ${problems.join('\n- ')}`);
  return resolved;
}

function validatePattern(where: string, pattern: RoutePattern): string[] {
  const problems: string[] = [];
  if (isObjectsCreated(pattern)) {
    const { bucket, prefix } = pattern.objectsCreated;
    if (!Object.hasOwn(BUCKETS, bucket)) problems.push(`${where}: '${bucket}' is not an application bucket`);
    if (!/^[a-z0-9-]+\/$/.test(prefix))
      problems.push(`${where}: prefix '${prefix}' must be a folder, e.g. inbound/`);
    return problems;
  }
  if (pattern.source.length === 0) problems.push(`${where}: pattern needs at least one source`);
  for (const source of pattern.source) {
    const system = source.replace(/^supplyline\./, '');
    if (!source.startsWith('supplyline.') || !(SOURCE_SYSTEMS as readonly string[]).includes(system)) {
      problems.push(`${where}: source '${source}' is not supplyline.<${SOURCE_SYSTEMS.join('|')}>`);
    }
  }
  if (pattern['detail-type'].length === 0) problems.push(`${where}: pattern needs at least one detail-type`);
  for (const type of pattern['detail-type']) {
    if (!isCanonicalEventType(type)) problems.push(`${where}: '${type}' is not a canonical event type`);
  }
  return problems;
}
