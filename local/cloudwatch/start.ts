/** CloudWatch for the local runtime: the functions' EMF metrics in memory, behind a CloudWatch endpoint. */
import { MetricStore, startCloudWatchEndpoint } from './metrics';

/** The running local CloudWatch. */
export interface LocalCloudWatch {
  /** Fed by the function logs (`metrics.tee(...)`), read by the ops CLI and the dashboard. */
  metrics: MetricStore;
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts an empty metric store and its endpoint. */
export async function startCloudWatch(options: { host: string }): Promise<LocalCloudWatch> {
  const metrics = new MetricStore();
  const server = await startCloudWatchEndpoint(metrics, { host: options.host });
  return { metrics, endpoint: server.url, stop: () => server.close() };
}
