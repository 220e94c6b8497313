import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { S3ReconciliationReport } from '../../../adapters/aws/reconciliation-report';
import { REPORT_CSV_HEADER } from '../../../domain/reconciliation/report';
import { raised, repaired, summary } from './reconciliation-report.fixtures';

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

describe('the reconciliation report in S3 (SDK boundary)', () => {
  it('stores the run as JSON (summary and differences) and CSV (a row per difference, RFC 4180 quoting)', async () => {
    s3.on(PutObjectCommand).resolves({});
    const report = new S3ReconciliationReport(new S3Client({}), 'reports');
    await report.add(raised);
    await report.add(repaired);
    const keys = await report.finish(summary);

    expect(keys).toEqual(['runs/2026-12-05/run-1.json', 'runs/2026-12-05/run-1.csv']);
    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    const json = puts.find((put) => put.Key?.endsWith('.json'))!;
    expect(json).toMatchObject({ Bucket: 'reports', ContentType: 'application/json' });
    expect(JSON.parse(json.Body as string)).toEqual({ summary, differences: [raised, repaired] });
    const csv = puts.find((put) => put.Key?.endsWith('.csv'))!;
    expect(csv.ContentType).toBe('text/csv; charset=utf-8');
    expect((csv.Body as string).split('\r\n')).toEqual([
      REPORT_CSV_HEADER,
      'missing_in_procurement,SL-PO-SR-000002,PO-2026-000002,P2,,order,procurement,procurement,,erp,P2,exception,ORDER_MISSING_IN_PROCUREMENT,"Gone, ""really"", from the platform"',
      'quantity_mismatch,SL-PO-SR-000003,PO-2026-000003,P3,1,quantity,procurement,procurement,500,erp,480,repair,amend-erp-order,',
      '',
    ]);
  });
});
