/**
 * A reconciliation run's report in S3 (BUCKETS.reconciliationReports), as JSON and CSV:
 *
 *   runs/<YYYY-MM-DD>/<runId>.json   { summary, differences }
 *   runs/<YYYY-MM-DD>/<runId>.csv    one row per difference (domain/reconciliation/report.ts)
 *
 * The differences are kept as text until the run ends: memory grows with the differences found,
 * not with the orders compared. The bucket's lifecycle expires `runs/` after the retention period.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ReconciliationReportWriter, ReconciliationSummary } from '../../domain/ports/reconciliation';
import { REPORT_CSV_HEADER, reportCsvRow } from '../../domain/reconciliation/report';
import type { Difference } from '../../domain/reconciliation/types';

/** The key of a run's report without its extension. */
export function reportKey(summary: Pick<ReconciliationSummary, 'runId' | 'startedAt'>): string {
  return `runs/${summary.startedAt.slice(0, 10)}/${summary.runId}`;
}

/** Writes one run's report. Make one per run. */
export class S3ReconciliationReport implements ReconciliationReportWriter {
  private readonly json: string[] = [];
  private readonly csv: string[] = [REPORT_CSV_HEADER];

  constructor(
    private readonly s3: Pick<S3Client, 'send'>,
    private readonly bucket: string,
  ) {}

  async add(difference: Difference): Promise<void> {
    this.json.push(JSON.stringify(difference));
    this.csv.push(reportCsvRow(difference));
  }

  async finish(summary: ReconciliationSummary): Promise<readonly string[]> {
    const key = reportKey(summary);
    const objects = [
      {
        Key: `${key}.json`,
        Body: `{"summary":${JSON.stringify(summary)},"differences":[${this.json.join(',')}]}`,
        ContentType: 'application/json',
      },
      { Key: `${key}.csv`, Body: `${this.csv.join('\r\n')}\r\n`, ContentType: 'text/csv; charset=utf-8' },
    ];
    await Promise.all(
      objects.map((object) => this.s3.send(new PutObjectCommand({ Bucket: this.bucket, ...object }))),
    );
    return objects.map((object) => object.Key);
  }
}
