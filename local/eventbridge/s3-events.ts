/**
 * S3's `Object Created` event as S3 puts it on the default bus for a bucket with EventBridge
 * notifications on: the local S3 (fauxqs) sends none, so the runtime does it for such buckets
 * (EventBus.putServiceEvent). The fields are those of the AWS event (`detail.bucket.name`,
 * `detail.object.key`/`size`).
 */
import type { EventEnvelope } from './bus';

/** The event announcing `key` written in `bucket`. */
export function s3ObjectCreated(
  bucket: string,
  key: string,
  size: number,
): Pick<EventEnvelope, 'source' | 'detail-type' | 'resources' | 'detail'> {
  return {
    source: 'aws.s3',
    'detail-type': 'Object Created',
    resources: [`arn:aws:s3:::${bucket}`],
    detail: { version: '0', bucket: { name: bucket }, object: { key, size }, reason: 'PutObject' },
  };
}
