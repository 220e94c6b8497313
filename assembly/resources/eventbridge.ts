/** EventBridge: buses, rules (pattern or schedule) with their targets, and archives. */
import type { ArchiveModel, BusModel, RuleModel, TargetModel } from '../model';
import { busNameOf, cdkPathOf } from '../names';
import { num, ofType, props, type ReaderInput } from './common';

/** `AWS::Events::EventBus`. */
export function readBuses(input: ReaderInput): BusModel[] {
  const { resolver } = input;
  return ofType(input, 'AWS::Events::EventBus').map(([logicalId]) => ({
    logicalId,
    name: resolver.attribute(logicalId, 'Name'),
    arn: resolver.attribute(logicalId, 'Arn'),
  }));
}

/** `AWS::Events::Rule`: event pattern or schedule, and targets. */
export function readRules(input: ReaderInput): RuleModel[] {
  const { resolver } = input;
  const str = (value: unknown) => resolver.string(value);
  return ofType(input, 'AWS::Events::Rule').map(([logicalId, r]) => {
    const p = props(r);
    const busName = p.EventBusName === undefined ? 'default' : busNameOf(str(p.EventBusName));
    const targets = ((resolver.value(p.Targets) as Record<string, unknown>[] | undefined) ?? []).map((t) =>
      readTarget(t),
    );
    const pattern = resolver.json(p.EventPattern) as Record<string, unknown> | undefined;
    const schedule = p.ScheduleExpression === undefined ? undefined : str(p.ScheduleExpression);
    const description = p.Description === undefined ? undefined : str(p.Description);
    return {
      logicalId,
      ...(cdkPathOf(r) ? { cdkPath: cdkPathOf(r) } : {}),
      name: resolver.physicalName(logicalId),
      arn: resolver.attribute(logicalId, 'Arn'),
      busName,
      ...(description !== undefined ? { description } : {}),
      ...(pattern ? { eventPattern: pattern } : {}),
      ...(schedule ? { scheduleExpression: schedule } : {}),
      enabled: p.State === undefined || str(p.State) === 'ENABLED',
      targets,
    };
  });
}

/** `AWS::Events::Archive`. */
export function readArchives(input: ReaderInput): ArchiveModel[] {
  const { resolver } = input;
  const str = (value: unknown) => resolver.string(value);
  return ofType(input, 'AWS::Events::Archive').map(([logicalId, r]) => {
    const p = props(r);
    const pattern = resolver.json(p.EventPattern) as Record<string, unknown> | undefined;
    return {
      logicalId,
      name: resolver.physicalName(logicalId),
      arn: resolver.attribute(logicalId, 'Arn'),
      busArn: str(p.SourceArn),
      ...(pattern ? { eventPattern: pattern } : {}),
      retentionDays: num(resolver.value(p.RetentionDays)) ?? 0,
    };
  });
}

/** A rule target: its kind from the ARN's service, retry policy, dead letter queue and input. */
function readTarget(t: Record<string, unknown>): TargetModel {
  const arn = String(t.Arn);
  const service = arn.split(':')[2];
  const kind: TargetModel['kind'] =
    service === 'sqs'
      ? 'sqs'
      : service === 'lambda'
        ? 'lambda'
        : service === 'states'
          ? 'states'
          : service === 'events'
            ? 'events'
            : 'other';
  const retry = t.RetryPolicy as
    { MaximumRetryAttempts?: unknown; MaximumEventAgeInSeconds?: unknown } | undefined;
  const transformer = t.InputTransformer as
    { InputPathsMap?: Record<string, string>; InputTemplate?: string } | undefined;
  const sqsParameters = t.SqsParameters as { MessageGroupId?: string } | undefined;
  return {
    id: String(t.Id),
    arn,
    kind,
    ...((t.DeadLetterConfig as { Arn?: string } | undefined)?.Arn
      ? { deadLetterArn: (t.DeadLetterConfig as { Arn: string }).Arn }
      : {}),
    ...(retry
      ? {
          retryPolicy: {
            ...(num(retry.MaximumRetryAttempts) !== undefined
              ? { maximumRetryAttempts: num(retry.MaximumRetryAttempts)! }
              : {}),
            ...(num(retry.MaximumEventAgeInSeconds) !== undefined
              ? { maximumEventAgeSeconds: num(retry.MaximumEventAgeInSeconds)! }
              : {}),
          },
        }
      : {}),
    ...(typeof t.Input === 'string' ? { input: t.Input } : {}),
    ...(typeof t.InputPath === 'string' ? { inputPath: t.InputPath } : {}),
    ...(transformer?.InputTemplate !== undefined
      ? {
          inputTransformer: {
            inputTemplate: transformer.InputTemplate,
            ...(transformer.InputPathsMap ? { inputPathsMap: transformer.InputPathsMap } : {}),
          },
        }
      : {}),
    ...(sqsParameters?.MessageGroupId ? { messageGroupId: sqsParameters.MessageGroupId } : {}),
  };
}
