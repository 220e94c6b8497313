/** SQS: queues with their redrive policies and the attributes the local SQS creates them with. */
import { NO_VALUE } from '../intrinsics';
import type { QueueModel } from '../model';
import { cdkPathOf } from '../names';
import { num, ofType, props, type ReaderInput } from './common';

/** `AWS::SQS::Queue` with its redrive policies and the CreateQueue attributes. */
export function readQueues(input: ReaderInput): QueueModel[] {
  const { resolver } = input;
  return ofType(input, 'AWS::SQS::Queue').map(([logicalId, r]) => {
    const p = props(r);
    const redrive = resolver.json(p.RedrivePolicy) as
      { deadLetterTargetArn?: string; maxReceiveCount?: unknown } | undefined;
    const allow = resolver.json(p.RedriveAllowPolicy) as
      { redrivePermission?: string; sourceQueueArns?: string[] } | undefined;
    const fifo = resolver.value(p.FifoQueue) === true || resolver.value(p.FifoQueue) === 'true';
    const attributes: Record<string, string> = {};
    const copy = (name: string) => {
      const value = resolver.value(p[name]);
      if (value !== undefined && value !== NO_VALUE) attributes[name] = String(value);
    };
    for (const name of [
      'VisibilityTimeout',
      'MessageRetentionPeriod',
      'DelaySeconds',
      'MaximumMessageSize',
      'ReceiveMessageWaitTimeSeconds',
      'ContentBasedDeduplication',
    ])
      copy(name);
    if (fifo) attributes.FifoQueue = 'true';
    const redrivePolicy =
      redrive?.deadLetterTargetArn !== undefined
        ? {
            deadLetterTargetArn: redrive.deadLetterTargetArn,
            maxReceiveCount: Number(redrive.maxReceiveCount ?? 10),
          }
        : undefined;
    if (redrivePolicy) {
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: redrivePolicy.deadLetterTargetArn,
        maxReceiveCount: String(redrivePolicy.maxReceiveCount),
      });
    }
    const name = resolver.attribute(logicalId, 'QueueName');
    return {
      logicalId,
      ...(cdkPathOf(r) ? { cdkPath: cdkPathOf(r) } : {}),
      name,
      arn: resolver.attribute(logicalId, 'Arn'),
      url: resolver.attribute(logicalId, 'QueueUrl'),
      fifo,
      visibilityTimeoutSeconds: num(resolver.value(p.VisibilityTimeout)) ?? 30,
      ...(redrivePolicy ? { redrivePolicy } : {}),
      ...(allow?.redrivePermission
        ? {
            redriveAllowPolicy: {
              redrivePermission: allow.redrivePermission,
              ...(allow.sourceQueueArns ? { sourceQueueArns: allow.sourceQueueArns } : {}),
            },
          }
        : {}),
      attributes,
    };
  });
}
