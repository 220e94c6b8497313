/**
 * The audit trail of approval decisions in S3 (BUCKETS.approvalAudit): one object per decision,
 * written once (`If-None-Match: *`), in a bucket with Object Lock (COMPLIANCE, 7 years, in prod)
 * and a policy denying every delete. Keys sort by time within a commitment:
 *
 *   approvals/<commitmentId>/<decidedAt digits>-<approver hash>-<verdict>.json
 *
 * Appending the same decision again finds its object there (412) and changes nothing.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ApprovalDecisionRecord } from '../../canonical/generated/types';
import { deciderKey } from '../../domain/approval/decision';
import type { ApprovalAuditTrail, AuditPage } from '../../domain/ports/approvals';
import { isPreconditionFailed } from './sdk-errors';

const prefixOf = (commitmentId: string) => `approvals/${encodeURIComponent(commitmentId)}/`;

/** The object key of one decision. */
export function auditKey(record: ApprovalDecisionRecord): string {
  return `${prefixOf(record.commitmentId)}${deciderKey(record)}.json`;
}

export class S3ApprovalAuditTrail implements ApprovalAuditTrail {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async append(record: ApprovalDecisionRecord): Promise<void> {
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: auditKey(record),
          Body: JSON.stringify(record),
          ContentType: 'application/json',
          // Write-once: never replaces a decision already kept.
          IfNoneMatch: '*',
        }),
      );
    } catch (error) {
      if (!isPreconditionFailed(error)) throw error;
    }
  }

  async listFor(commitmentId: string, page: { limit: number; cursor?: string }): Promise<AuditPage> {
    const listed = await this.s3.send(
      new ListObjectsV2Command({
        Bucket: this.bucket,
        Prefix: prefixOf(commitmentId),
        MaxKeys: page.limit,
        ...(page.cursor ? { ContinuationToken: page.cursor } : {}),
      }),
    );
    const decisions = await Promise.all(
      (listed.Contents ?? []).map(async ({ Key }) => {
        const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
        return JSON.parse(await object.Body!.transformToString('utf8')) as ApprovalDecisionRecord;
      }),
    );
    return {
      decisions,
      ...(listed.IsTruncated && listed.NextContinuationToken
        ? { nextCursor: listed.NextContinuationToken }
        : {}),
    };
  }
}
