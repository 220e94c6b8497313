import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ApprovalAuditTrail, auditKey } from '../../../adapters/aws/approval-audit';
import type { ApprovalDecisionRecord } from '../../../canonical/generated/types';
import { decisionRecord } from '../../domain/approval/fixtures';
import { startSqsStandIn, type SqsStandIn } from '../../../local/sqs/stand-in';

const BUCKET = 'approval-audit';
let server: SqsStandIn;
let s3: S3Client;
let trail: S3ApprovalAuditTrail;

beforeAll(async () => {
  server = await startSqsStandIn({ region: 'us-east-1' });
  // As the local runtime creates a bucket whose template has Object Lock.
  server.createBucket(BUCKET, { writeOnce: true });
  server.createBucket('scratch');
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${server.port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  trail = new S3ApprovalAuditTrail(s3, BUCKET);
});
afterAll(async () => server.stop());

const record = (overrides: Partial<ApprovalDecisionRecord> = {}) =>
  decisionRecord({ approver: 'sam@example.com', tokenId: 'jti-1', ...overrides });

describe('the approval audit trail on the local S3 (a write-once bucket)', () => {
  it("keeps each decision once and lists a commitment's decisions oldest first, page by page", async () => {
    const refused = record({
      approver: 'dana',
      role: 'approver',
      approvalLimit: '100000.00',
      verdict: 'refused',
      rule: 'approval-limit',
      decidedAt: '2026-11-27T11:00:00.000Z',
    });
    await trail.append(record());
    await trail.append(refused);
    // The same decision again (a replay) changes nothing and does not fail.
    await trail.append(record());
    await trail.append(record({ commitmentId: 'SL-PO-OTHER' }));

    const first = await trail.listFor('SL-PO-SR-7-20261127T120000000Z', { limit: 1 });
    expect(first.decisions).toEqual([refused]);
    const second = await trail.listFor('SL-PO-SR-7-20261127T120000000Z', {
      limit: 1,
      cursor: first.nextCursor!,
    });
    expect(second.decisions).toEqual([record()]);
    expect(second.nextCursor).toBeUndefined();
  });

  it('refuses to overwrite or delete a decision, as the locked bucket in AWS does', async () => {
    const kept = record({ approvalId: 'APR-ZZZZ', decidedAt: '2026-11-27T13:00:00.000Z' });
    await trail.append(kept);
    const key = auditKey(kept);
    await expect(
      s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: key,
          Body: JSON.stringify({ ...kept, verdict: 'rejected' }),
        }),
      ),
    ).rejects.toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
    await expect(s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }))).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    const listed = await trail.listFor(kept.commitmentId, { limit: 100 });
    expect(listed.decisions).toContainEqual(kept);
    // Other buckets keep S3's ordinary behaviour.
    await s3.send(new PutObjectCommand({ Bucket: 'scratch', Key: 'a', Body: '1' }));
    await s3.send(new PutObjectCommand({ Bucket: 'scratch', Key: 'a', Body: '2' }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'scratch', Key: 'a' }));
  });
});
