/** Sync lag: from the source system's event time to the moment the target system confirmed. */

export type SystemName = 'planning' | 'procurement' | 'erp';

/** Seconds from `sourceEventAt` to `confirmedAt` (ms precision); never negative (clock skew reads as 0). */
export function lagSeconds(sourceEventAt: string, confirmedAt: string): number {
  const lag = (Date.parse(confirmedAt) - Date.parse(sourceEventAt)) / 1000;
  if (Number.isNaN(lag)) throw new RangeError(`invalid times ${sourceEventAt} / ${confirmedAt}`);
  return Math.max(0, Math.round(lag * 1000) / 1000);
}

/**
 * A system as sync lag tells them apart: each ERP instance past the primary is a target of its own,
 * `erp:<instance>`; the primary keeps `erp`, the single-ERP name (ADR 0013).
 */
export type SyncSystem = SystemName | `erp:${string}`;

/** The sync system of ERP instance `instance` of an environment whose primary is `primary`. */
export function erpSyncSystem(instance: string, primary: string): SyncSystem {
  return instance === primary ? 'erp' : `erp:${instance}`;
}

/** The system a sync system belongs to: `erp:west` -> `erp`. */
export function systemOfSync(system: SyncSystem): SystemName {
  return system.startsWith('erp:') ? 'erp' : (system as SystemName);
}

/** `procurement-erp:west` style value of the SyncLagSeconds metric's `SystemPair` dimension. */
export function systemPair(from: SyncSystem, to: SyncSystem): string {
  return `${from}-${to}`;
}
