import { describe, expect, it } from 'vitest';
import { buildStack, resourcesOf, type Json } from './support';

/** The approval audit bucket and its policy statements, in `env`'s template. */
function auditBucket(env: 'dev' | 'prod'): { bucket: Json; statements: Json[] } {
  const { template } = buildStack(env);
  const [[logicalId, bucket]] = resourcesOf(template, 'AWS::S3::Bucket').filter(([id]) =>
    id.startsWith('BucketsApprovalAuditBucket'),
  ) as [[string, Json]];
  const policy = resourcesOf(template, 'AWS::S3::BucketPolicy').find(
    ([, p]) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: logicalId }),
  )!;
  return { bucket, statements: policy[1].Properties.PolicyDocument.Statement as Json[] };
}

describe('the approval audit bucket', () => {
  it('locks every decision for 7 years in COMPLIANCE mode in prod, and nobody may delete one', () => {
    const { bucket, statements } = auditBucket('prod');
    expect(bucket.Properties).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 2557 } },
      },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(statements).toContainEqual(
      expect.objectContaining({
        Sid: 'AuditTrailIsWriteOnce',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      }),
    );
  });

  it('uses GOVERNANCE in dev, so a torn-down dev stack can be emptied by whoever may bypass it', () => {
    const { bucket, statements } = auditBucket('dev');
    expect(bucket.Properties.ObjectLockConfiguration.Rule.DefaultRetention).toEqual({
      Mode: 'GOVERNANCE',
      Days: 2557,
    });
    expect(statements).toContainEqual(
      expect.objectContaining({ Sid: 'AuditTrailIsWriteOnce', Effect: 'Deny' }),
    );
  });
});
