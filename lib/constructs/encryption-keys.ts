import { ArnFormat, Duration, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/** Properties of {@link createDataKeys}. */
export interface DataKeysProps {
  /** e.g. `dev`; named in the keys' descriptions. */
  readonly environmentName: string;
  readonly removalPolicy: RemovalPolicy;
  /** Days a scheduled key deletion waits (7-30). */
  readonly pendingWindowDays: number;
}

/** The customer-managed keys of data at rest (queues and the alarm topic keep the messaging key). */
export interface DataKeys {
  /** DynamoDB tables, the forecast sync bucket and the event archive. */
  readonly data: kms.Key;
  /** Every CloudWatch Logs group of the stack (functions, workflows, API access logs). */
  readonly logs: kms.Key;
}

/**
 * Two keys with rotation: one for business data (tables, bucket, archive), one for logs. Logs get
 * their own key because CloudWatch Logs must be allowed on it by key policy for every log group of
 * the account and region; business data should not share that grant.
 */
export function createDataKeys(scope: Construct, props: DataKeysProps): DataKeys {
  const common = {
    enableKeyRotation: true,
    removalPolicy: props.removalPolicy,
    pendingWindow: Duration.days(props.pendingWindowDays),
  };
  const data = new kms.Key(scope, 'DataKey', {
    ...common,
    description: `Supplyline ${props.environmentName}: tables, forecast sync bucket and the event archive`,
  });
  const logs = new kms.Key(scope, 'LogsKey', {
    ...common,
    description: `Supplyline ${props.environmentName}: CloudWatch Logs of functions, workflows and APIs`,
  });
  const stack = Stack.of(scope);
  // CloudWatch Logs encrypts with the key only for this account's log groups in this region.
  logs.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsOfThisAccount',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
  return { data, logs };
}
