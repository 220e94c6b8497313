import { beforeAll, describe, expect, it } from 'vitest';
import { buildStack, resourcesOf, type Json } from './support';
import type { SupplylineStack } from '../../lib/supplyline-stack';
import type { Template } from 'aws-cdk-lib/assertions';

let stack: SupplylineStack;
let template: Template;
beforeAll(() => {
  ({ stack, template } = buildStack('prod'));
});

/** The statements of the reconciliation function's role. */
function statements(): Json[] {
  const roleId = stack.getLogicalId(
    stack.functions['purchase-order-reconciliation'].role.node.defaultChild as never,
  );
  return resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[]);
}

describe('the daily purchase-order reconciliation', () => {
  it('runs once a day on a schedule', () => {
    const rule = stack.schedules['purchase-order-reconciliation'];
    expect(rule).toBeDefined();
    const [, resource] = resourcesOf(template, 'AWS::Events::Rule').find(
      ([id]) => id === stack.getLogicalId(rule!.node.defaultChild as never),
    )!;
    expect(resource.Properties.ScheduleExpression).toBe('cron(0 3 * * ? *)');
  });

  it('keeps reports encrypted with the data key, for the 90 days of the window', () => {
    const [[, bucket]] = resourcesOf(template, 'AWS::S3::Bucket').filter(([id]) =>
      id.startsWith('BucketsReconciliationReportsBucket'),
    ) as [[string, Json]];
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]).toMatchObject({
      ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' },
      BucketKeyEnabled: true,
    });
    expect(bucket.Properties.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({ Prefix: 'runs/', ExpirationInDays: 90, Status: 'Enabled' }),
    );
  });

  it('may add report objects and nothing else: no listing, reading or deleting reports', () => {
    const s3Actions = statements()
      .flatMap((statement) => [statement.Action].flat() as string[])
      .filter((action) => action.startsWith('s3:'));
    expect(s3Actions).toEqual(['s3:PutObject']);
  });
});
