/** Sync lag: from the source system's event time to the moment the target system confirmed. */

export type SystemName = 'planning' | 'procurement' | 'erp';

/** Seconds from `sourceEventAt` to `confirmedAt` (ms precision); never negative (clock skew reads as 0). */
export function lagSeconds(sourceEventAt: string, confirmedAt: string): number {
  const lag = (Date.parse(confirmedAt) - Date.parse(sourceEventAt)) / 1000;
  if (Number.isNaN(lag)) throw new RangeError(`invalid times ${sourceEventAt} / ${confirmedAt}`);
  return Math.max(0, Math.round(lag * 1000) / 1000);
}

/** `planning>erp` style dimension value for the SyncLagSeconds metric. */
export function systemPair(from: SystemName, to: SystemName): string {
  return `${from}>${to}`;
}
