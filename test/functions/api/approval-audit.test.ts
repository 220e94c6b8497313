import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decisionRecord } from '../../domain/approval/fixtures';
import { apiEvent, expectJson, expectProblem, type ApiHandler } from './support';

const s3 = mockClient(S3Client);
let handler: ApiHandler;

const decision = decisionRecord({ commitmentId: 'SL-PO-SR-7' });

beforeAll(async () => {
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    APPROVAL_AUDIT_BUCKET_NAME: 'approval-audit',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  ({ handler } = await import('../../../functions/api/approval-audit'));
});
beforeEach(() => {
  s3.reset();
  s3.on(ListObjectsV2Command).resolves({
    Contents: [{ Key: 'approvals/SL-PO-SR-7/20261127T120000000Z-abc-approved.json' }],
    IsTruncated: true,
    NextContinuationToken: 'next-page',
  });
  // The part of the SDK's stream the adapter reads.
  s3.on(GetObjectCommand).callsFake(() => ({
    Body: { transformToString: async () => JSON.stringify(decision) },
  }));
});

const audit = (authorizer: Record<string, string> | undefined, query?: Record<string, string>) => {
  const event = apiEvent({
    path: '/v1/commitments/SL-PO-SR-7/approval-audit',
    pathParameters: { commitmentId: 'SL-PO-SR-7' },
    ...(query ? { query } : {}),
  });
  return handler({ ...event, requestContext: { ...event.requestContext, authorizer } });
};
const auditor = { subject: 'bi-tool', issuer: 'https://idp.example.com', scopes: 'supplyline/audit.read' };

describe('GET /v1/commitments/{commitmentId}/approval-audit', () => {
  it("lists the commitment's decisions from its prefix of the audit trail, with a cursor for more", async () => {
    const page = expectJson(await audit(auditor, { limit: '10', cursor: 'from-here' }), 200);
    expect(page).toEqual({ items: [decision], nextCursor: 'next-page' });
    expect(s3.commandCalls(ListObjectsV2Command)[0]!.args[0].input).toEqual({
      Bucket: 'approval-audit',
      Prefix: 'approvals/SL-PO-SR-7/',
      MaxKeys: 10,
      ContinuationToken: 'from-here',
    });
  });

  it('401 without a caller, 400 for a bad limit, and S3 is not asked', async () => {
    expectProblem(await audit(undefined), 401, 'unauthenticated');
    expectProblem(await audit(auditor, { limit: '1000' }), 400, 'invalid-query');
    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(0);
  });
});
