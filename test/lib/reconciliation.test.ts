import { beforeAll, describe, expect, it } from 'vitest';
import { buildStack, resourcesOf, roleStatements, scheduleExpression, type Json } from './support';
import type { SupplylineStack } from '../../lib/supplyline-stack';
import type { Template } from 'aws-cdk-lib/assertions';

let stack: SupplylineStack;
let template: Template;
beforeAll(() => {
  ({ stack, template } = buildStack('prod'));
});

describe('the daily purchase-order reconciliation', () => {
  it('runs once a day on a schedule', () => {
    expect(scheduleExpression(stack, template, 'purchase-order-reconciliation')).toBe('cron(0 3 * * ? *)');
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

  it('may add report objects and read them back by key (a run’s parts), nothing else: no listing or deleting', () => {
    const s3Actions = roleStatements(stack, template, 'purchase-order-reconciliation')
      .flatMap((statement) => [statement.Action].flat() as string[])
      .filter((action) => action.startsWith('s3:'));
    expect(s3Actions.toSorted()).toEqual(['s3:GetObject', 's3:PutObject']);
  });
});
