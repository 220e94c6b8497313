/** Rows of the dashboard's state (server.ts) that are pure functions of what the runtime holds. */
import { CIRCUIT_BREAKER_ENDPOINTS } from '../../application/metrics';
import type { LocalRuntime } from '../runtime/runtime';

/** Per API (governed REST routes, webhook routes): requests, 4xx, 5xx, p50/p99 latency. */
export function apiStats(requests: LocalRuntime['apiRequests']) {
  const groups = [
    { name: 'Governed API', match: (r: (typeof requests)[number]) => !r.path.includes('/webhooks/') },
    { name: 'Webhook API', match: (r: (typeof requests)[number]) => r.path.includes('/webhooks/') },
  ];
  return groups.map(({ name, match }) => {
    const rows = requests.filter(match);
    const latencies = rows.map((r) => r.latencyMs).sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies.length
        ? latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)]!
        : null;
    return {
      name,
      requests: rows.length,
      clientErrors: rows.filter((r) => r.status >= 400 && r.status < 500).length,
      serverErrors: rows.filter((r) => r.status >= 500).length,
      p50Ms: pct(0.5),
      p99Ms: pct(0.99),
    };
  });
}

/**
 * One row per breaker endpoint: the table also holds request-budget windows (`budget#...`) and
 * incidents (`incident#...`), which are not breakers. An endpoint with no state change yet is closed.
 */
export function breakerRows(items: readonly Record<string, unknown>[]) {
  const breakers = items.filter((item) => typeof item.endpoint === 'string' && !item.endpoint.includes('#'));
  const endpoints = [
    ...new Set([...CIRCUIT_BREAKER_ENDPOINTS, ...breakers.map((b) => String(b.endpoint))]),
  ].sort();
  return endpoints.map((endpoint) => {
    const item = breakers.find((b) => b.endpoint === endpoint) ?? {};
    const total = (prefix: string) =>
      Object.entries(item)
        .filter(([name, value]) => new RegExp(`^${prefix}\\d+$`).test(name) && typeof value === 'number')
        .reduce((sum, [, value]) => sum + (value as number), 0);
    return {
      endpoint,
      status: typeof item.status === 'string' ? item.status : 'closed',
      changedAt: typeof item.changedAt === 'number' && item.changedAt > 0 ? item.changedAt : null,
      openUntil: typeof item.openUntil === 'number' && item.openUntil > 0 ? item.openUntil : null,
      /** Calls and failures in the breaker's current counting window. */
      recentCalls: total('c'),
      recentFailures: total('f'),
    };
  });
}
