import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../application/environments';

/**
 * Throttling and service hiccups of Transfer Family only wait; anything else (unknown connector,
 * bad path) cannot succeed and fails the execution, which is alarmed.
 */
export function retryTransferHiccups(call: tasks.CallAwsService): tasks.CallAwsService {
  call.addRetry({
    errors: [
      'Transfer.ThrottlingException',
      'Transfer.ServiceUnavailableException',
      'Transfer.InternalServiceErrorException',
    ],
    interval: Duration.seconds(2),
    backoffRate: 2,
    maxAttempts: 6,
    jitterStrategy: sfn.JitterType.FULL,
  });
  return call;
}

/**
 * An Express workflow that starts Transfer Family operations, with its own encrypted log group
 * (`/aws/vendedlogs/states/<prefix>-<name>`): Express keeps no history, its logs are it; they carry
 * no execution data (the inputs are paths only).
 */
export function transferWorkflow(
  scope: Construct,
  ids: { logGroup: string; stateMachine: string },
  props: { config: EnvironmentConfig; logsKey: kms.IKey; name: string; definition: sfn.IChainable },
): sfn.StateMachine {
  const { config } = props;
  const logGroup = new logs.LogGroup(scope, ids.logGroup, {
    logGroupName: `/aws/vendedlogs/states/${config.resourcePrefix}-${props.name}`,
    retention: config.logRetentionDays as logs.RetentionDays,
    removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    encryptionKey: props.logsKey,
  });
  const stateMachine = new sfn.StateMachine(scope, ids.stateMachine, {
    definitionBody: sfn.DefinitionBody.fromChainable(props.definition),
    stateMachineType: sfn.StateMachineType.EXPRESS,
    timeout: Duration.minutes(5),
    tracingEnabled: true,
    logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
  });
  Validations.of(stateMachine.role.node.tryFindChild('DefaultPolicy') ?? stateMachine.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'CloudWatch Logs vended delivery and X-Ray tracing actions that Step Functions needs support no ' +
      'resource-level permissions; the Transfer Family actions are on the connectors only.',
  });
  return stateMachine;
}

/**
 * Acknowledges cdk-nag's wildcard finding on `role`'s policy for one folder of the mailbox bucket
 * (`<folder>*`), with the reason the wildcard stays within it.
 */
export function acknowledgeMailboxFolder(
  role: iam.IRole,
  mailbox: s3.IBucket,
  folder: string,
  reason: string,
): void {
  const bucketId = Stack.of(role).getLogicalId((mailbox.node.defaultChild ?? mailbox) as never);
  Validations.of(role.node.tryFindChild('DefaultPolicy') ?? role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${folder}*]`,
    reason,
  });
}
