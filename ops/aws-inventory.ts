/**
 * The stack inventory of a deployed stack, from CloudFormation (resources and outputs), the
 * queues' redrive policies (SQS) and the rules' targets (EventBridge).
 *
 * `@aws-sdk/client-cloudformation` is loaded on demand: the Lambda functions never need it, and
 * local use of the CLI works without it.
 */
import {
  DescribeRuleCommand,
  ListTargetsByRuleCommand,
  type EventBridgeClient,
} from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { InventoryQueue, InventoryRule, StackInventory } from './topology';

/** A stack resource as ListStackResources reports it. */
export interface StackResourceSummary {
  LogicalResourceId?: string;
  PhysicalResourceId?: string;
  ResourceType?: string;
}

/** What the inventory needs from CloudFormation (one stack). */
export interface CloudFormationReader {
  resources(stackName: string): Promise<StackResourceSummary[]>;
  outputs(stackName: string): Promise<Record<string, string>>;
}

interface CloudFormationModule {
  CloudFormationClient: new (config: { region: string }) => { send(command: unknown): Promise<unknown> };
  ListStackResourcesCommand: new (input: { StackName: string; NextToken?: string }) => unknown;
  DescribeStacksCommand: new (input: { StackName: string }) => unknown;
}

/** A CloudFormation reader on the AWS SDK (standard credentials and region chain). */
export async function cloudFormationReader(region: string): Promise<CloudFormationReader> {
  const specifier = '@aws-sdk/client-cloudformation';
  let sdk: CloudFormationModule;
  try {
    sdk = (await import(specifier)) as CloudFormationModule;
  } catch {
    throw new Error(
      `${specifier} is not installed: add it to devDependencies (npm i -D ${specifier}) to run the operations CLI against AWS`,
    );
  }
  const client = new sdk.CloudFormationClient({ region });
  return {
    resources: async (stackName) => {
      const all: StackResourceSummary[] = [];
      let next: string | undefined;
      do {
        const page = (await client.send(
          new sdk.ListStackResourcesCommand({ StackName: stackName, ...(next ? { NextToken: next } : {}) }),
        )) as { StackResourceSummaries?: StackResourceSummary[]; NextToken?: string };
        all.push(...(page.StackResourceSummaries ?? []));
        next = page.NextToken;
      } while (next);
      return all;
    },
    outputs: async (stackName) => {
      const answer = (await client.send(new sdk.DescribeStacksCommand({ StackName: stackName }))) as {
        Stacks?: { Outputs?: { OutputKey?: string; OutputValue?: string }[] }[];
      };
      return Object.fromEntries(
        (answer.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
      );
    },
  };
}

/** Reads the deployed stack's inventory. */
export async function inventoryFromAws(options: {
  stackName: string;
  region: string;
  cloudFormation: CloudFormationReader;
  sqs: SQSClient;
  eventBridge: EventBridgeClient;
}): Promise<StackInventory> {
  const { stackName, region, cloudFormation, sqs, eventBridge } = options;
  const [resources, outputs] = await Promise.all([
    cloudFormation.resources(stackName),
    cloudFormation.outputs(stackName),
  ]);
  const ofType = (type: string) =>
    resources.filter((r) => r.ResourceType === type && r.LogicalResourceId && r.PhysicalResourceId);

  const queues: InventoryQueue[] = await Promise.all(
    ofType('AWS::SQS::Queue').map(async (resource) => {
      // A queue's physical id is its URL.
      const url = resource.PhysicalResourceId!;
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'RedrivePolicy'] }),
      );
      const policy = Attributes.RedrivePolicy
        ? (JSON.parse(Attributes.RedrivePolicy) as {
            deadLetterTargetArn: string;
            maxReceiveCount: number | string;
          })
        : undefined;
      return {
        logicalId: resource.LogicalResourceId!,
        name: url.slice(url.lastIndexOf('/') + 1),
        url,
        arn: Attributes.QueueArn ?? '',
        ...(policy
          ? {
              redrivePolicy: {
                deadLetterTargetArn: policy.deadLetterTargetArn,
                maxReceiveCount: Number(policy.maxReceiveCount),
              },
            }
          : {}),
      };
    }),
  );

  const busName = outputs.EventBusName ?? ofType('AWS::Events::EventBus')[0]?.PhysicalResourceId ?? 'default';
  const rules: InventoryRule[] = await Promise.all(
    ofType('AWS::Events::Rule').map(async (resource) => {
      // Rules on a custom bus have the physical id `<bus>|<rule>`.
      const name = resource.PhysicalResourceId!.split('|').pop()!;
      const [described, targets] = await Promise.all([
        eventBridge.send(new DescribeRuleCommand({ Name: name, EventBusName: busName })),
        eventBridge.send(new ListTargetsByRuleCommand({ Rule: name, EventBusName: busName })),
      ]);
      return {
        name,
        arn: described.Arn ?? '',
        ...(described.EventPattern
          ? { eventPattern: JSON.parse(described.EventPattern) as Record<string, unknown> }
          : {}),
        targets: (targets.Targets ?? []).map((t) => ({
          arn: t.Arn ?? '',
          ...(t.DeadLetterConfig?.Arn ? { deadLetterArn: t.DeadLetterConfig.Arn } : {}),
        })),
      };
    }),
  );
  const busArn = rules[0]?.arn
    ? rules[0].arn.replace(/:rule\/.*$/, `:event-bus/${busName}`)
    : `arn:aws:events:${region}::event-bus/${busName}`;
  const archive = ofType('AWS::Events::Archive')[0];
  return {
    stackName,
    region,
    queues,
    rules,
    tables: ofType('AWS::DynamoDB::Table').map((t) => ({
      logicalId: t.LogicalResourceId!,
      name: t.PhysicalResourceId!,
    })),
    // A bucket's physical id is its name.
    buckets: ofType('AWS::S3::Bucket').map((b) => ({
      logicalId: b.LogicalResourceId!,
      name: b.PhysicalResourceId!,
    })),
    // A function's physical id is its name.
    functions: ofType('AWS::Lambda::Function').map((f) => ({
      logicalId: f.LogicalResourceId!,
      name: f.PhysicalResourceId!,
    })),
    bus: { name: busName, arn: busArn },
    ...(archive
      ? {
          archive: {
            name: archive.PhysicalResourceId!,
            arn: busArn.replace(/:event-bus\/.*$/, `:archive/${archive.PhysicalResourceId!}`),
          },
        }
      : {}),
    ...(outputs.ApiUrl ? { apiUrl: outputs.ApiUrl.replace(/\/$/, '') } : {}),
  };
}
