import { RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/** The name of the account-level stack (one per account and region, whatever the environments). */
export const ACCOUNT_STACK_NAME = 'Supplyline-account';

/**
 * What API Gateway needs once per account and region, outside the application stacks: the role
 * it writes REST execution logs with (`AWS::ApiGateway::Account`). It is an account-wide setting,
 * so an app stack owning it collides when dev and prod share an account, and deleting either
 * would take the other's execution logs with it. Deploy once, before the first environment:
 * `npx cdk deploy -c accountSetup=true -c region=<region> Supplyline-account`.
 */
export class SupplylineAccountStack extends Stack {
  public readonly cloudWatchRole: iam.Role;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, {
      stackName: ACCOUNT_STACK_NAME,
      description: 'Supplyline account-level settings: API Gateway CloudWatch Logs role',
      ...props,
    });
    this.cloudWatchRole = new iam.Role(this, 'ApiGatewayCloudWatchRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'API Gateway writes REST API execution logs to CloudWatch Logs (account setting)',
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs'),
      ],
    });
    // Other API Gateway users of the account may rely on the setting: keep the role.
    this.cloudWatchRole.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const account = new apigateway.CfnAccount(this, 'ApiGatewayAccount', {
      cloudWatchRoleArn: this.cloudWatchRole.roleArn,
    });
    account.applyRemovalPolicy(RemovalPolicy.RETAIN);
    Validations.of(this.cloudWatchRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The account-level API Gateway logging role uses the AWS-maintained policy AWS documents for it; the ' +
        'role can only be assumed by apigateway.amazonaws.com.',
    });
  }
}
