/**
 * The local metrics: EMF lines from function logs, read back with the unmodified CloudWatch client
 * (GetMetricData, ListMetrics) as the operations CLI reads them in AWS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { MetricStore, startCloudWatchEndpoint } from '../../../local/cloudwatch/metrics';
import type { AwsJsonServer } from '../../../local/http/aws-json';

const T = Date.UTC(2026, 4, 1, 10, 0, 30);
const emf = (name: string, value: number, dimensions: Record<string, string> = {}, at = T) =>
  JSON.stringify({
    _aws: {
      Timestamp: at,
      CloudWatchMetrics: [
        {
          Namespace: 'Supplyline',
          Dimensions: [['service', ...Object.keys(dimensions)]],
          Metrics: [{ Name: name, Unit: 'Count' }],
        },
      ],
    },
    service: 'supplyline',
    ...dimensions,
    [name]: value,
  });

let store: MetricStore;
let server: AwsJsonServer;
let cloudWatch: CloudWatchClient;

beforeAll(async () => {
  store = new MetricStore();
  server = await startCloudWatchEndpoint(store);
  cloudWatch = new CloudWatchClient({
    region: 'us-east-1',
    endpoint: server.url,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  cloudWatch?.destroy();
  await server?.close();
});

describe('local metrics', () => {
  it('collects EMF lines (ordinary log lines are ignored) and passes every line on', () => {
    const passed: string[] = [];
    const sink = store.tee(
      (fn, line) => passed.push(`${fn}: ${line}`),
      (name) => name,
    );
    if (typeof sink !== 'function') throw new Error('tee returns a function sink');
    sink('fn-a', emf('DuplicatesSuppressed', 1), 'stdout');
    sink('fn-a', emf('DuplicatesSuppressed', 1, {}, T + 61_000), 'stdout');
    sink('fn-a', emf('ReplaysProcessed', 1), 'stdout');
    sink(
      'fn-b',
      emf('SyncLagSeconds', 2.5, { ObjectType: 'receipt', SystemPair: 'erp-procurement' }),
      'stdout',
    );
    sink('fn-b', '{"level":"INFO","message":"record processed"}', 'stdout');
    expect(passed).toHaveLength(5);
    expect(store.points.map((p) => [p.name, p.value, p.functionName])).toEqual([
      ['DuplicatesSuppressed', 1, 'fn-a'],
      ['DuplicatesSuppressed', 1, 'fn-a'],
      ['ReplaysProcessed', 1, 'fn-a'],
      ['SyncLagSeconds', 2.5, 'fn-b'],
    ]);
  });

  it('answers GetMetricData per period with the statistic, matching the exact dimension set', async () => {
    const answer = await cloudWatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(T - 30_000),
        EndTime: new Date(T + 120_000),
        MetricDataQueries: [
          {
            Id: 'dups',
            MetricStat: {
              Metric: {
                Namespace: 'Supplyline',
                MetricName: 'DuplicatesSuppressed',
                Dimensions: [{ Name: 'service', Value: 'supplyline' }],
              },
              Period: 60,
              Stat: 'Sum',
            },
          },
          {
            Id: 'lag',
            MetricStat: {
              Metric: {
                Namespace: 'Supplyline',
                MetricName: 'SyncLagSeconds',
                Dimensions: [{ Name: 'service', Value: 'supplyline' }],
              },
              Period: 60,
              Stat: 'Maximum',
            },
          },
        ],
      }),
    );
    const [dups, lag] = answer.MetricDataResults!;
    expect(dups!.Values).toEqual([1, 1]);
    expect(dups!.Timestamps!.map((t) => t.toISOString())).toEqual([
      '2026-05-01T10:01:00.000Z',
      '2026-05-01T10:00:00.000Z',
    ]);
    // SyncLagSeconds has ObjectType and SystemPair too: not the same metric.
    expect(lag!.Values).toEqual([]);
  });

  it('lists the metrics with their dimensions', async () => {
    const { Metrics = [] } = await cloudWatch.send(new ListMetricsCommand({ MetricName: 'SyncLagSeconds' }));
    expect(Metrics).toEqual([
      {
        Namespace: 'Supplyline',
        MetricName: 'SyncLagSeconds',
        Dimensions: [
          { Name: 'service', Value: 'supplyline' },
          { Name: 'ObjectType', Value: 'receipt' },
          { Name: 'SystemPair', Value: 'erp-procurement' },
        ],
      },
    ]);
  });
});
