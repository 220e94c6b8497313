/** Plain-text tables and durations for the operations CLI. */

/** A column: header and how to read the cell from a row. */
export interface Column<T> {
  header: string;
  value: (row: T) => string | number | undefined | null;
  /** Right-align (numbers). */
  right?: boolean;
  /** Cut longer cells with an ellipsis. */
  max?: number;
}

/** A table with a header row and columns padded to their widest cell. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) =>
    columns.map((column) => {
      const raw = column.value(row);
      const text = raw === undefined || raw === null || raw === '' ? '-' : String(raw).replace(/\s+/g, ' ');
      return column.max && text.length > column.max ? `${text.slice(0, column.max - 1)}…` : text;
    }),
  );
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((row) => row[i]!.length)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => (columns[i]!.right ? value.padStart(widths[i]!) : value.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => c.header)),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ].join('\n');
}

/** `42s`, `3m 05s`, `2h 10m`, `3d 4h`. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '-';
  if (seconds < 10) return `${Math.round(seconds * 1000) / 1000}s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** An ISO time to the second (`2026-12-05T04:00:00Z`). */
export const when = (iso: string) => iso.replace(/\.\d{3}Z$/, 'Z');
