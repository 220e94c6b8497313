/**
 * Rule targets of the local buses: SQS (fauxqs, in process, batched), Lambda (asynchronous invoke
 * with Lambda's retries) and Step Functions (start execution); dead letters go to the target's DLQ
 * as EventBridge sends them. Also the text a target receives (Input, InputPath, InputTransformer).
 */
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import {
  findFunction,
  findQueue,
  type RuleModel,
  type TargetModel,
  type TemplateModel,
} from '../../assembly';
import { invokeAsync } from '../lambda/async-invoke';
import type { LambdaRunner } from '../lambda/functions';
import { SqsBatchSender } from '../sqs/batch-sender';
import type { SqsCall } from '../sqs/stand-in';
import type { LocalStepFunctions } from '../stepfunctions/engine';
import type { DeadLetter, EventEnvelope, RuleTarget } from './bus';

/** Builds the bus targets of a rule target: SQS (fauxqs), Lambda (async invoke) or Step Functions. */
export function targetDelivery(context: {
  model: Pick<TemplateModel, 'functions' | 'queues'>;
  sqs: SqsCall;
  runner: () => LambdaRunner;
  machines: LocalStepFunctions;
  log: (line: string) => void;
}) {
  const { model, sqs, runner, machines, log } = context;
  const sender = new SqsBatchSender(sqs);
  const queueUrl = (arn: string) => {
    const queue = findQueue(model, arn);
    if (!queue) throw new Error(`queue ${arn} is not in the template`);
    return queue.url;
  };
  return (rule: RuleModel, target: TargetModel): RuleTarget[] => {
    let deliver: (event: EventEnvelope) => Promise<unknown>;
    switch (target.kind) {
      case 'sqs':
        deliver = (event) =>
          sender.send(queueUrl(target.arn), {
            MessageBody: targetInput(target, event),
            ...(target.messageGroupId ? { MessageGroupId: target.messageGroupId } : {}),
          });
        break;
      case 'lambda':
        // EventBridge invokes asynchronously: delivery succeeds once Lambda accepts the event, and
        // Lambda retries a failing function itself (EventInvokeConfig.MaximumRetryAttempts, default 2).
        deliver = async (event) => {
          const payload = JSON.parse(targetInput(target, event)) as unknown;
          const fn = findFunction(model, target.arn);
          if (!fn) throw new Error(`function ${target.arn} is not in the template`);
          void invokeAsync(runner(), fn, payload, log, `rule ${rule.name}`);
        };
        break;
      case 'states':
        deliver = async (event) =>
          machines.startExecution(target.arn, JSON.parse(targetInput(target, event)));
        break;
      default:
        log(
          `warning: rule ${rule.name} target ${target.id} (${target.arn}) is not supported locally; skipped`,
        );
        return [];
    }
    const deadLetterArn = target.deadLetterArn;
    return [
      {
        id: target.id,
        deliver,
        ...(target.retryPolicy ? { retryPolicy: target.retryPolicy } : {}),
        ...(deadLetterArn
          ? {
              // As EventBridge does: the event as the body, why in the message attributes.
              deadLetter: async (letter: DeadLetter) => {
                const text = (value: string): MessageAttributeValue => ({
                  DataType: 'String',
                  StringValue: value || '-',
                });
                await sender.send(queueUrl(deadLetterArn), {
                  MessageBody: JSON.stringify(letter.event),
                  MessageAttributes: {
                    RULE_ARN: text(rule.arn),
                    TARGET_ARN: text(target.arn),
                    ERROR_CODE: text(letter.reason),
                    ERROR_MESSAGE: text(letter.errorMessage.slice(0, 1000)),
                  },
                });
              },
            }
          : {}),
      },
    ];
  };
}

/** The text a target receives: the event, a constant Input, an InputPath or an InputTransformer. */
export function targetInput(target: TargetModel, event: EventEnvelope): string {
  if (target.input !== undefined) return target.input;
  if (target.inputPath !== undefined) return JSON.stringify(jsonPath(event, target.inputPath) ?? null);
  if (target.inputTransformer) {
    const values = Object.fromEntries(
      Object.entries(target.inputTransformer.inputPathsMap ?? {}).map(([name, path]) => [
        name,
        jsonPath(event, path),
      ]),
    );
    return target.inputTransformer.inputTemplate.replace(/<([A-Za-z0-9_.-]+)>/g, (whole, name: string) => {
      if (name === 'aws.events.event.json') return JSON.stringify(event);
      if (!(name in values)) return whole;
      const value = values[name];
      return typeof value === 'string' ? value : JSON.stringify(value ?? null);
    });
  }
  return JSON.stringify(event);
}

/** `$.detail.a.b` on an object (the subset of JSONPath EventBridge input paths use). */
function jsonPath(value: unknown, path: string): unknown {
  if (path === '$') return value;
  return path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter((p) => p !== '')
    .reduce<unknown>(
      (current, key) =>
        current !== null && typeof current === 'object'
          ? (current as Record<string, unknown>)[key]
          : undefined,
      value,
    );
}
