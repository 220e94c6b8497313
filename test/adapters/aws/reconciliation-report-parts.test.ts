import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { S3ReconciliationReport } from '../../../adapters/aws/reconciliation-report';
import type { Difference } from '../../../domain/reconciliation/types';
import { raised, repaired, summary } from './reconciliation-report.fixtures';
import { fakeS3 } from './s3-snapshot-store.fake-s3';

const s3 = fakeS3();
afterEach(() => s3.reset());

const REPORT = ['runs/2026-12-05/run-1.json', 'runs/2026-12-05/run-1.csv'];

describe('the reconciliation report of a run in partitions (SDK boundary)', () => {
  it('keeps each partition as a part; the invocation that finishes joins them into the uninterrupted report', async () => {
    // A reason with a line break: the CSV parts must never be split on a row ending.
    const lineBreak: Difference = {
      ...raised,
      externalRef: 'SL-PO-SR-000004',
      resolution: { kind: 'exception', code: 'ORDER_MISSING_IN_PROCUREMENT', reason: 'two\r\nlines' },
    };
    // Found after the last partition: the ERP's orders Supplyline never recorded (a one-invocation run).
    const late: Difference = { ...raised, externalRef: 'SL-PO-SR-UNKNOWN', poNumber: null };
    const uninterrupted = new S3ReconciliationReport(new S3Client({}), 'whole');
    for (const difference of [raised, lineBreak, repaired, late]) await uninterrupted.add(difference);
    await uninterrupted.finish(summary);
    const whole = REPORT.map((key) => s3.text(key));
    s3.reset();

    // Three partitions over two invocations: the first stores parts 0 and 1, the second part 2 (empty).
    const first = new S3ReconciliationReport(new S3Client({}), 'parts');
    await first.add(raised);
    await first.add(lineBreak);
    await first.endPart(0, summary);
    await first.add(repaired);
    await first.endPart(1, summary);
    const second = new S3ReconciliationReport(new S3Client({}), 'parts');
    await second.endPart(2, summary);
    await second.add(late);
    const keys = await second.finish(summary);

    expect(keys).toEqual(REPORT);
    expect(keys.map((key) => s3.text(key))).toEqual(whole);
    expect(JSON.parse(s3.text(REPORT[0]!)!)).toEqual({
      summary,
      differences: [raised, lineBreak, repaired, late],
    });
    // The dashboard lists `runs/**.json` as reports: a part is not one.
    expect(s3.keys('runs/').filter((key) => key.endsWith('.json'))).toEqual([REPORT[0]]);
  });
});
