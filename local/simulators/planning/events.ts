import { randomUUID } from 'node:crypto';

/**
 * Event bodies of the planning platform (vendor API v3), with defaults taken from its
 * documentation so a test only states what matters to it.
 */

/** `plan` block of every event. */
export interface PlanRef {
  plan_id: string;
  version: number;
  cycle: string;
}

/** `exception` block of `forecast.exception`. */
export interface ForecastExceptionDetail {
  exception_id: string;
  kind: 'DEMAND_UPLIFT' | 'DEMAND_DROP' | 'INVENTORY_RISK';
  severity: 'low' | 'medium' | 'high' | 'critical';
  sku: string;
  site: string;
  uom: 'EA' | 'CS' | 'PAL';
  pack_size: number;
  bucket: { start: string; end: string; granularity: string };
  baseline_qty: number;
  forecast_qty: number;
  projected_on_hand: number;
  safety_stock: number;
  velocity_class: 'A' | 'B' | 'C';
  notes?: string;
}

/** `forecast.exception` body. */
export interface ForecastExceptionEvent {
  event: 'forecast.exception';
  event_id: string;
  published_at: string;
  plan: PlanRef;
  exception: ForecastExceptionDetail;
}

/** `forecast.published` body. */
export interface ForecastPublishedEvent {
  event: 'forecast.published';
  event_id: string;
  published_at: string;
  plan: PlanRef;
  export: { format: 'csv'; location: string; rows: number; sha256: string };
}

/** `X-Planning-Event` values. */
export type PlanningEventType = 'forecast.exception' | 'forecast.published';

/** Overrides of a forecast exception: nested blocks are merged, not replaced. */
export interface ForecastExceptionOverrides {
  event_id?: string;
  published_at?: string;
  plan?: Partial<PlanRef>;
  exception?: Partial<Omit<ForecastExceptionDetail, 'bucket'>> & {
    bucket?: Partial<ForecastExceptionDetail['bucket']>;
  };
}

/** ISO-8601 with the planner's local offset, e.g. `2026-11-27T08:15:03.120+01:00`. */
export function withOffset(date: Date, offsetMinutes: number): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, -1);
  if (offsetMinutes === 0) return `${local}Z`;
  const sign = offsetMinutes > 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The documented example exception, with overrides applied. */
export function forecastExceptionEvent(
  overrides: ForecastExceptionOverrides = {},
  now: Date = new Date(),
): ForecastExceptionEvent {
  const { bucket, ...exception } = overrides.exception ?? {};
  return {
    event: 'forecast.exception',
    event_id: overrides.event_id ?? `fe_${randomUUID()}`,
    published_at: overrides.published_at ?? withOffset(now, 60),
    plan: { plan_id: 'CONSENSUS-2026W48', version: 7, cycle: 'weekly', ...overrides.plan },
    exception: {
      exception_id: 'EXC-88213',
      kind: 'DEMAND_UPLIFT',
      severity: 'high',
      sku: 'SKU-10442',
      site: 'DC-EAST-02',
      uom: 'CS',
      pack_size: 12,
      bucket: { start: '2026-12-07', end: '2026-12-13', granularity: 'week', ...bucket },
      baseline_qty: 100,
      forecast_qty: 140,
      projected_on_hand: 12.5,
      safety_stock: 30,
      velocity_class: 'A',
      notes: 'Regional promotion',
      ...exception,
    },
  };
}

/** Header row of the bulk forecast export. */
export const FORECAST_EXPORT_HEADER = 'sku,site,week_start,qty,uom,pack_size,plan_version';

/** Settings of a generated export file. */
export interface ForecastExportSpec {
  /** Data rows (header excluded). */
  rows: number;
  planVersion: number;
  /** @default 500 SKUs `SKU-10000`.. */
  skuCount?: number;
  /** @default ['DC-EAST-02', 'DC-WEST-01'] */
  sites?: string[];
  /** First week (a Monday). @default '2026-12-07' */
  firstWeek?: string;
  /** @default 13 */
  weeks?: number;
  /** Every n-th data row is bad (unknown uom, negative qty or bad date, in turn). @default none */
  badRowEvery?: number;
  /** Lines per yielded chunk. @default 1000 */
  linesPerChunk?: number;
}

/**
 * A deterministic export (`\n` line ends, header first), generated chunk by chunk so a file of
 * millions of rows never sits in memory. Call it again for the same bytes.
 */
export function* forecastExportChunks(spec: ForecastExportSpec): Generator<string, void, undefined> {
  const skuCount = spec.skuCount ?? 500;
  const sites = spec.sites ?? ['DC-EAST-02', 'DC-WEST-01'];
  const weeks = spec.weeks ?? 13;
  const first = new Date(`${spec.firstWeek ?? '2026-12-07'}T00:00:00Z`).getTime();
  const perChunk = spec.linesPerChunk ?? 1000;
  const uoms = ['EA', 'CS', 'PAL'] as const;
  let lines: string[] = [FORECAST_EXPORT_HEADER];
  for (let i = 0; i < spec.rows; i++) {
    const sku = `SKU-${10000 + (i % skuCount)}`;
    const site = sites[Math.floor(i / skuCount) % sites.length]!;
    const week = new Date(first + (Math.floor(i / (skuCount * sites.length)) % weeks) * 7 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const uom = uoms[i % 3]!;
    const packSize = uom === 'EA' ? 6 : uom === 'CS' ? 12 : 480;
    const qty = String((i * 37) % 500);
    const row = [sku, site, week, qty, uom, String(packSize), String(spec.planVersion)];
    if (spec.badRowEvery && (i + 1) % spec.badRowEvery === 0) {
      const fault = Math.floor(i / spec.badRowEvery) % 3;
      if (fault === 0) row[4] = 'BOX';
      if (fault === 1) row[3] = `-${qty === '0' ? '1' : qty}`;
      if (fault === 2) row[2] = '2026-13-45';
    }
    lines.push(row.join(','));
    if (lines.length >= perChunk) {
      yield `${lines.join('\n')}\n`;
      lines = [];
    }
  }
  if (lines.length > 0) yield `${lines.join('\n')}\n`;
}
