/**
 * Metrics for the local runtime: the functions' CloudWatch EMF log lines (Powertools Metrics)
 * collected in memory, and a CloudWatch endpoint (AWS JSON 1.0, GetMetricData and ListMetrics) over
 * them, so the operations CLI reads them with the unmodified `@aws-sdk/client-cloudwatch` as it
 * does in AWS, and the dashboard charts them.
 *
 * Limits: metric-stat queries only (no metric math or SEARCH), statistics Sum, Average, Minimum,
 * Maximum, SampleCount and pNN; the last 50 000 data points are kept.
 */
import type { LogSink } from '../lambda/functions';
import { AwsServiceError, startAwsJsonServer, type AwsJsonServer } from '../http/aws-json';

/** One data point as a function emitted it. */
export interface MetricPoint {
  namespace: string;
  name: string;
  unit?: string;
  /** Dimension name -> value (the dimension set of the EMF directive). */
  dimensions: Record<string, string>;
  value: number;
  timestamp: number;
  functionName: string;
}

interface EmfDirective {
  Namespace?: string;
  Dimensions?: string[][];
  Metrics?: { Name: string; Unit?: string }[];
}

const HISTORY = 50_000;

/** EMF data points collected from the function logs. */
export class MetricStore {
  readonly points: MetricPoint[] = [];
  private readonly listeners = new Set<(point: MetricPoint) => void>();

  /** Reads one log line; returns the points it held (none for an ordinary line). */
  ingest(functionName: string, line: string): MetricPoint[] {
    if (!line.includes('"_aws"')) return [];
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>;
    } catch {
      return [];
    }
    const aws = record._aws as { Timestamp?: number; CloudWatchMetrics?: EmfDirective[] } | undefined;
    const found: MetricPoint[] = [];
    for (const directive of aws?.CloudWatchMetrics ?? []) {
      for (const metric of directive.Metrics ?? []) {
        const raw = record[metric.Name];
        const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is number => typeof v === 'number');
        for (const dimensionSet of directive.Dimensions?.length ? directive.Dimensions : [[]]) {
          const dimensions = Object.fromEntries(
            dimensionSet.map((name) => [name, String(record[name] ?? '')]),
          );
          for (const value of values) {
            found.push({
              namespace: directive.Namespace ?? '',
              name: metric.Name,
              ...(metric.Unit ? { unit: metric.Unit } : {}),
              dimensions,
              value,
              timestamp: aws?.Timestamp ?? Date.now(),
              functionName,
            });
          }
        }
      }
    }
    for (const point of found) {
      this.points.push(point);
      for (const listener of this.listeners) listener(point);
    }
    if (this.points.length > HISTORY) this.points.splice(0, this.points.length - HISTORY);
    return found;
  }

  /** Calls `listener` with every new point; returns the function that stops it. */
  observe(listener: (point: MetricPoint) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Points of one metric; `dimensions` must match the point's dimension set exactly, as in CloudWatch. */
  query(filter: {
    namespace?: string;
    name: string;
    dimensions?: Record<string, string>;
    from?: number;
    to?: number;
  }): MetricPoint[] {
    return this.points.filter(
      (p) =>
        p.name === filter.name &&
        (filter.namespace === undefined || p.namespace === filter.namespace) &&
        (filter.from === undefined || p.timestamp >= filter.from) &&
        (filter.to === undefined || p.timestamp < filter.to) &&
        (filter.dimensions === undefined || sameDimensions(p.dimensions, filter.dimensions)),
    );
  }

  /**
   * A log sink that collects the EMF lines and passes every line on to `next` ('inherit' prints
   * them prefixed with the function's construct id, as the runner does).
   */
  tee(next: LogSink, constructIdOf: (functionName: string) => string): LogSink {
    return (functionName, line, stream) => {
      this.ingest(functionName, line);
      if (next === 'silent') return;
      if (next === 'inherit')
        (stream === 'stdout' ? process.stdout : process.stderr).write(
          `[${constructIdOf(functionName)}] ${line}\n`,
        );
      else next(functionName, line, stream);
    };
  }
}

function sameDimensions(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** A statistic over values (`Sum`, `Average`, `Minimum`, `Maximum`, `SampleCount`, `p95`...). */
export function statistic(values: readonly number[], stat: string): number {
  if (values.length === 0) return 0;
  switch (stat) {
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
    case 'SampleCount':
      return values.length;
    default: {
      const match = /^p(\d+(?:\.\d+)?)$/.exec(stat);
      if (!match)
        throw new AwsServiceError('InvalidParameterValue', `statistic ${stat} is not supported locally`);
      const sorted = [...values].sort((a, b) => a - b);
      const rank = Math.ceil((Number(match[1]) / 100) * sorted.length) - 1;
      return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
    }
  }
}

interface WireQuery {
  Id?: string;
  Label?: string;
  MetricStat?: {
    Metric?: { Namespace?: string; MetricName?: string; Dimensions?: { Name: string; Value: string }[] };
    Period?: number;
    Stat?: string;
  };
  Expression?: string;
  ReturnData?: boolean;
}

/** The GetMetricData answer over the store (JSON protocol: times in epoch seconds). */
export function getMetricData(store: MetricStore, input: Record<string, unknown>) {
  const start = Number(input.StartTime) * 1000;
  const end = Number(input.EndTime) * 1000;
  if (!Number.isFinite(start) || !Number.isFinite(end))
    throw new AwsServiceError('InvalidParameterValue', 'StartTime and EndTime are required.');
  const queries = (input.MetricDataQueries ?? []) as WireQuery[];
  return {
    MetricDataResults: queries
      .filter((q) => q.ReturnData !== false)
      .map((query) => {
        if (!query.MetricStat)
          throw new AwsServiceError(
            'InvalidParameterValue',
            `query ${query.Id ?? ''}: only MetricStat is supported locally`,
          );
        const { Metric = {}, Period = 60, Stat = 'Average' } = query.MetricStat;
        const points = store.query({
          ...(Metric.Namespace ? { namespace: Metric.Namespace } : {}),
          name: Metric.MetricName ?? '',
          dimensions: Object.fromEntries((Metric.Dimensions ?? []).map((d) => [d.Name, d.Value])),
          from: start,
          to: end,
        });
        const periodMs = Period * 1000;
        const buckets = new Map<number, number[]>();
        for (const point of points) {
          const bucket = Math.floor(point.timestamp / periodMs) * periodMs;
          buckets.set(bucket, [...(buckets.get(bucket) ?? []), point.value]);
        }
        // Newest first, as CloudWatch's default ScanBy TimestampDescending.
        const times = [...buckets.keys()].sort((a, b) => b - a);
        return {
          Id: query.Id,
          Label: query.Label ?? Metric.MetricName,
          Timestamps: times.map((t) => new Date(t)),
          Values: times.map((t) => statistic(buckets.get(t)!, Stat)),
          StatusCode: 'Complete',
        };
      }),
    Messages: [],
  };
}

/** Starts the CloudWatch endpoint (`X-Amz-Target: GraniteServiceVersion20100801.<Operation>`). */
export function startCloudWatchEndpoint(
  store: MetricStore,
  options: { host?: string; port?: number } = {},
): Promise<AwsJsonServer> {
  return startAwsJsonServer({
    name: 'cloudwatch',
    targetPrefix: 'GraniteServiceVersion20100801',
    version: '1.0',
    ...(options.host ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    operations: {
      GetMetricData: (input) => getMetricData(store, input),
      ListMetrics: (input) => {
        const seen = new Map<
          string,
          { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] }
        >();
        for (const p of store.points) {
          if (input.Namespace !== undefined && p.namespace !== input.Namespace) continue;
          if (input.MetricName !== undefined && p.name !== input.MetricName) continue;
          const dims = Object.entries(p.dimensions).map(([Name, Value]) => ({ Name, Value }));
          seen.set(`${p.namespace}|${p.name}|${JSON.stringify(dims)}`, {
            Namespace: p.namespace,
            MetricName: p.name,
            Dimensions: dims,
          });
        }
        return { Metrics: [...seen.values()] };
      },
    },
  });
}
