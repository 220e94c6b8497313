/**
 * A reconciliation run's report in S3 (BUCKETS.reconciliationReports), as JSON and CSV:
 *
 *   runs/<YYYY-MM-DD>/<runId>.json   { summary, differences }
 *   runs/<YYYY-MM-DD>/<runId>.csv    one row per difference (domain/reconciliation/report.ts)
 *
 * The differences are kept as text until the run ends: memory grows with the differences found,
 * not with the orders compared. A run in partitions (domain/reconciliation/partitioned.ts) stores
 * each partition's differences as a part (`runs/<date>/<runId>.part-<n>.jsonl` and `.csv`, names the
 * dashboard's listing of `*.json` skips), and the invocation that finishes the run joins them into
 * the same two objects an uninterrupted run writes. The bucket's lifecycle expires `runs/` (the
 * parts too) after the retention period.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ReconciliationReportWriter, ReconciliationSummary } from '../../domain/ports/reconciliation';
import { bodyText } from './s3-snapshot-store';
import { REPORT_CSV_HEADER, reportCsvRow } from '../../domain/reconciliation/report';
import type { Difference } from '../../domain/reconciliation/types';

/** The key of a run's report without its extension. */
export function reportKey(summary: Pick<ReconciliationSummary, 'runId' | 'startedAt'>): string {
  return `runs/${summary.startedAt.slice(0, 10)}/${summary.runId}`;
}

/** The keys of a run's part `part` (JSON lines, CSV rows without the header). */
function partKeys(key: string, part: number) {
  return { json: `${key}.part-${part}.jsonl`, csv: `${key}.part-${part}.csv` };
}

/** Writes one run's report. Make one per run, or per invocation of a run in partitions. */
export class S3ReconciliationReport implements ReconciliationReportWriter {
  private json: string[] = [];
  /** CSV text, each row ending in CRLF (a quoted field may hold a line break: never split it). */
  private csv: string[] = [];
  /** The last part this writer stored: a run in partitions ends with its last partition's. */
  private lastPart: number | undefined;

  constructor(
    private readonly s3: Pick<S3Client, 'send'>,
    private readonly bucket: string,
  ) {}

  async add(difference: Difference): Promise<void> {
    this.json.push(JSON.stringify(difference));
    this.csv.push(`${reportCsvRow(difference)}\r\n`);
  }

  /** @inheritdoc */
  async endPart(part: number, run: Pick<ReconciliationSummary, 'runId' | 'startedAt'>): Promise<void> {
    const keys = partKeys(reportKey(run), part);
    await Promise.all([
      this.put(keys.json, this.json.map((line) => `${line}\n`).join(''), 'application/jsonl'),
      this.put(keys.csv, this.csv.join(''), 'text/csv; charset=utf-8'),
    ]);
    this.json = [];
    this.csv = [];
    this.lastPart = part;
  }

  async finish(summary: ReconciliationSummary): Promise<readonly string[]> {
    const key = reportKey(summary);
    // A run in partitions: every partition's differences are in its part, in partition order.
    if (this.lastPart !== undefined) await this.joinParts(key, this.lastPart);
    const objects = [
      {
        Key: `${key}.json`,
        Body: `{"summary":${JSON.stringify(summary)},"differences":[${this.json.join(',')}]}`,
        ContentType: 'application/json',
      },
      {
        Key: `${key}.csv`,
        Body: `${REPORT_CSV_HEADER}\r\n${this.csv.join('')}`,
        ContentType: 'text/csv; charset=utf-8',
      },
    ];
    await Promise.all(
      objects.map((object) => this.s3.send(new PutObjectCommand({ Bucket: this.bucket, ...object }))),
    );
    return objects.map((object) => object.Key);
  }

  /** Reads parts 0..last back, in order (all of them: this writer may have stored only the latest). */
  private async joinParts(key: string, last: number): Promise<void> {
    const json: string[] = [];
    const csv: string[] = [];
    for (let part = 0; part <= last; part++) {
      const keys = partKeys(key, part);
      const [lines, rows] = await Promise.all([this.text(keys.json), this.text(keys.csv)]);
      // JSON text holds no raw line break, so a line is a difference.
      json.push(...lines.split('\n').filter(Boolean));
      csv.push(rows);
    }
    // Differences added after the last part (the ERP's unrecorded orders) come last, as uninterrupted.
    this.json = [...json, ...this.json];
    this.csv = [...csv, ...this.csv];
  }

  private async text(key: string): Promise<string> {
    const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return bodyText(Body);
  }

  private async put(key: string, body: string, contentType: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }
}
