/**
 * The EDI mailbox in the stack: a KMS-encrypted, versioned bucket that tells EventBridge of new
 * objects natively (no custom-resource Lambda), a rule on the default bus for `inbound/` only,
 * and the two EDI functions with their partners and write-once access that never lists.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EDI_PARTNERS_ENV_VAR, DEMO_EDI_PARTNER } from '../../application/edi-partners';
import type { SupplylineStack } from '../../lib/supplyline-stack';
import { buildStack, resourcesOf, type Json } from './support';
import type { Template } from 'aws-cdk-lib/assertions';

let stack: SupplylineStack;
let template: Template;
beforeAll(() => {
  ({ stack, template } = buildStack('dev'));
});
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);

describe('EDI mailbox in the stack', () => {
  it('is encrypted with the data key, versioned, and sends its object events to EventBridge', () => {
    const [, bucket] = resourcesOf(template, 'AWS::S3::Bucket').find(
      ([id]) => id === logicalId(stack.buckets.buckets.ediMailbox.bucket),
    )!;
    expect(bucket.Properties.NotificationConfiguration).toEqual({
      EventBridgeConfiguration: { EventBridgeEnabled: true },
    });
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(
      bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault
        .SSEAlgorithm,
    ).toBe('aws:kms');
    expect(resourcesOf(template, 'Custom::S3BucketNotifications')).toEqual([]);
  });

  it('routes only new inbound/ objects of the mailbox to the edi-inbound-interchange queue', () => {
    const lane = stack.lanes.find((l) => l.route.consumer === 'edi-inbound-interchange')!;
    const [, rule] = resourcesOf(template, 'AWS::Events::Rule').find(([id]) => id === logicalId(lane.rule))!;
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: {
        bucket: { name: [{ Ref: logicalId(stack.buckets.buckets.ediMailbox.bucket) }] },
        object: { key: [{ prefix: 'inbound/' }] },
      },
    });
  });

  it('gives the EDI functions the environment’s partners and the mailbox without listing it', () => {
    for (const key of ['edi-purchase-order-send', 'edi-inbound-interchange'] as const) {
      const [, fn] = resourcesOf(template, 'AWS::Lambda::Function').find(
        ([id]) => id === logicalId(stack.functions[key]),
      )!;
      expect(JSON.parse(fn.Properties.Environment.Variables[EDI_PARTNERS_ENV_VAR])).toEqual([
        DEMO_EDI_PARTNER,
      ]);
      const roleId = logicalId(stack.functions[key].role as never);
      const actions = resourcesOf(template, 'AWS::IAM::Policy')
        .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[])
        .flatMap((s) => [s.Action].flat());
      expect(actions).toContain('s3:PutObject');
      expect(actions).not.toContain('s3:ListBucket');
      expect(actions).not.toContain('s3:DeleteObject');
    }
  });
});
