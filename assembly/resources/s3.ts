/** S3: buckets (the local S3 is fauxqs's). */
import type { BucketModel } from '../model';
import { constructIdOf } from '../names';
import { ofType, type ReaderInput } from './common';

/** `AWS::S3::Bucket`. */
export function readBuckets(input: ReaderInput): BucketModel[] {
  const { resolver } = input;
  return ofType(input, 'AWS::S3::Bucket').map(([logicalId, r]) => {
    const retention = (r.Properties?.ObjectLockConfiguration as ObjectLockConfiguration | undefined)?.Rule
      ?.DefaultRetention;
    return {
      logicalId,
      constructId: constructIdOf(r, logicalId),
      name: resolver.physicalName(logicalId),
      arn: resolver.attribute(logicalId, 'Arn'),
      ...(r.Properties?.ObjectLockEnabled === true && retention?.Mode
        ? {
            objectLock: {
              mode: retention.Mode,
              days: retention.Days ?? Math.round((retention.Years ?? 0) * 365.25),
            },
          }
        : {}),
      ...(eventBridgeEnabled(r.Properties?.NotificationConfiguration) ? { eventBridge: true } : {}),
    };
  });
}

function eventBridgeEnabled(configuration: unknown): boolean {
  const notifications = configuration as
    { EventBridgeConfiguration?: { EventBridgeEnabled?: unknown } } | undefined;
  return notifications?.EventBridgeConfiguration?.EventBridgeEnabled === true;
}

/** `ObjectLockConfiguration` of an `AWS::S3::Bucket`. */
interface ObjectLockConfiguration {
  Rule?: { DefaultRetention?: { Mode?: 'COMPLIANCE' | 'GOVERNANCE'; Days?: number; Years?: number } };
}
