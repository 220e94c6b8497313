/** S3: buckets (the local S3 is fauxqs's). */
import type { BucketModel } from '../model';
import { constructIdOf } from '../names';
import { ofType, type ReaderInput } from './common';

/** `AWS::S3::Bucket`. */
export function readBuckets(input: ReaderInput): BucketModel[] {
  const { resolver } = input;
  return ofType(input, 'AWS::S3::Bucket').map(([logicalId, r]) => ({
    logicalId,
    constructId: constructIdOf(r, logicalId),
    name: resolver.physicalName(logicalId),
    arn: resolver.attribute(logicalId, 'Arn'),
  }));
}
