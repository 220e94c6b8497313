import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { S3ReconciliationReport } from '../../../adapters/aws/reconciliation-report';
import type { ReconciliationSummary } from '../../../domain/ports/reconciliation';
import { REPORT_CSV_HEADER } from '../../../domain/reconciliation/report';
import { DIFFERENCE_CLASSES, type Difference } from '../../../domain/reconciliation/types';

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

const summary: ReconciliationSummary = {
  runId: 'run-1',
  startedAt: '2026-12-05T03:00:00.000Z',
  finishedAt: '2026-12-05T03:04:00.000Z',
  window: { since: '2026-09-06T03:00:00.000Z', until: '2026-12-05T03:00:00.000Z' },
  orders: 2,
  differences: {
    ...(Object.fromEntries(
      DIFFERENCE_CLASSES.map((name) => [name, 0]),
    ) as ReconciliationSummary['differences']),
    missing_in_procurement: 1,
    quantity_mismatch: 1,
  },
  repaired: 1,
  exceptionsRaised: 1,
  repairFailures: 0,
  committedValues: [],
  committedValueDifferences: 0,
};

const raised: Difference = {
  class: 'missing_in_procurement',
  externalRef: 'SL-PO-SR-000002',
  poNumber: 'PO-2026-000002',
  erpNumber: 'P2',
  lineNo: null,
  field: 'order',
  owner: 'procurement',
  expected: { system: 'procurement', value: null },
  found: { system: 'erp', value: 'P2' },
  resolution: {
    kind: 'exception',
    code: 'ORDER_MISSING_IN_PROCUREMENT',
    reason: 'Gone, "really", from the platform',
  },
};
const repaired: Difference = {
  ...raised,
  class: 'quantity_mismatch',
  externalRef: 'SL-PO-SR-000003',
  poNumber: 'PO-2026-000003',
  erpNumber: 'P3',
  lineNo: 1,
  field: 'quantity',
  expected: { system: 'procurement', value: '500' },
  found: { system: 'erp', value: '480' },
  resolution: { kind: 'repair', action: 'amend-erp-order' },
};

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
