/**
 * CloudFormation intrinsic functions resolved to LOCAL values, deterministically: an explicit name
 * in the template is kept; a name CloudFormation would generate is `<StackName>-<LogicalId>`
 * (without CloudFormation's random suffix), cut to the service's limit.
 */
import { createHash } from 'node:crypto';
import type { BuildContext, CfnResource, CfnTemplate } from './model';
import { busNameOf, constructIdOf } from './names';

/** Marker for `Ref: AWS::NoValue` (the property is dropped). */
export const NO_VALUE = Symbol('AWS::NoValue');

const NAME_LIMITS: Record<string, number> = {
  'AWS::Lambda::Function': 64,
  'AWS::SQS::Queue': 80,
  'AWS::Events::Rule': 64,
  'AWS::Events::Archive': 48,
  'AWS::StepFunctions::StateMachine': 80,
  'AWS::DynamoDB::Table': 255,
  'AWS::SecretsManager::Secret': 256,
  'AWS::S3::Bucket': 63,
};

const EXPLICIT_NAME: Record<string, string> = {
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::Events::EventBus': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::Events::Archive': 'ArchiveName',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::S3::Bucket': 'BucketName',
};

/**
 * Resolves CloudFormation intrinsics to local values: Ref, Fn::GetAtt, Fn::Join, Fn::Sub,
 * Fn::Select, Fn::Split, Fn::If (conditions assumed false unless trivially true), pseudo parameters.
 */
export class IntrinsicResolver {
  readonly warnings: string[] = [];
  private readonly resources: Record<string, CfnResource>;

  constructor(
    private readonly template: CfnTemplate,
    private readonly context: BuildContext,
  ) {
    this.resources = template.Resources ?? {};
  }

  /** Resolves any value; objects and arrays recursively. */
  value(input: unknown): unknown {
    if (Array.isArray(input)) return input.map((v) => this.value(v)).filter((v) => v !== NO_VALUE);
    if (input === null || typeof input !== 'object') return input;
    const entries = Object.entries(input as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, arg] = entries[0]!;
      switch (key) {
        case 'Ref':
          return this.ref(String(arg));
        case 'Fn::GetAtt': {
          const [id, attr] = Array.isArray(arg) ? arg : String(arg).split(/\.(.+)/);
          return this.attribute(String(id), String(this.value(attr)));
        }
        case 'Fn::Join': {
          const [sep, parts] = arg as [string, unknown];
          const list = this.value(parts) as unknown[];
          return list.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(sep);
        }
        case 'Fn::Sub':
          return this.sub(arg);
        case 'Fn::Select': {
          const [index, list] = arg as [unknown, unknown];
          return (this.value(list) as unknown[])[Number(this.value(index))];
        }
        case 'Fn::Split': {
          const [sep, text] = arg as [string, unknown];
          return String(this.value(text)).split(sep);
        }
        case 'Fn::If': {
          const [, , otherwise] = arg as [string, unknown, unknown];
          return this.value(otherwise);
        }
        case 'Fn::Base64':
          return Buffer.from(String(this.value(arg))).toString('base64');
        case 'Fn::GetAZs':
          return ['a', 'b', 'c'].map((z) => `${this.context.region}${z}`);
        case 'Fn::ImportValue':
          this.warnings.push(`Fn::ImportValue ${JSON.stringify(arg)} cannot be resolved locally`);
          return `local-import-${String(this.value(arg))}`;
        default:
          break;
      }
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const resolved = this.value(v);
      if (resolved !== NO_VALUE) out[k] = resolved;
    }
    return out;
  }

  /** Resolves to a string (objects as JSON). */
  string(input: unknown): string {
    const value = this.value(input);
    if (value === undefined || value === NO_VALUE) return '';
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  /** A JSON property that may be given as an object or as JSON text. */
  json(input: unknown): unknown {
    if (input === undefined) return undefined;
    const value = this.value(input);
    if (typeof value === 'string') {
      try {
        return JSON.parse(value);
      } catch {
        return value;
      }
    }
    return value;
  }

  ref(name: string): string | typeof NO_VALUE {
    switch (name) {
      case 'AWS::Region':
        return this.context.region;
      case 'AWS::AccountId':
        return this.context.account;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return this.context.stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${this.context.region}:${this.context.account}:stack/${this.context.stackName}/local`;
      case 'AWS::NoValue':
        return NO_VALUE;
      default:
        break;
    }
    const parameter = this.template.Parameters?.[name];
    if (parameter) return String(parameter.Default ?? '');
    const resource = this.resources[name];
    if (!resource) {
      this.warnings.push(`Ref ${name}: no such resource or parameter`);
      return `local-unresolved-${name}`;
    }
    const { region, account } = this.context;
    switch (resource.Type) {
      case 'AWS::SQS::Queue':
        return this.attribute(name, 'QueueUrl');
      case 'AWS::StepFunctions::StateMachine':
      case 'AWS::SecretsManager::Secret':
      case 'AWS::SNS::Topic':
        return this.attribute(name, 'Arn');
      case 'AWS::KMS::Key':
        return `local-key-${shortHash(name, 8)}`;
      case 'AWS::ApiGateway::RestApi':
      case 'AWS::ApiGateway::Resource':
      case 'AWS::ApiGateway::Deployment':
      case 'AWS::ApiGateway::ApiKey':
      case 'AWS::ApiGateway::UsagePlan':
      case 'AWS::ApiGateway::RequestValidator':
      case 'AWS::ApiGateway::Model':
        return resource.Type === 'AWS::ApiGateway::Model' && resource.Properties?.Name !== undefined
          ? this.string(resource.Properties.Name)
          : shortHash(name, 10);
      case 'AWS::ApiGateway::Stage':
      case 'AWS::ApiGatewayV2::Stage':
        return this.string(resource.Properties?.StageName);
      case 'AWS::ApiGatewayV2::Api':
        return shortHash(name, 10);
      case 'AWS::ApiGatewayV2::Integration':
      case 'AWS::ApiGatewayV2::Route':
        return shortHash(name, 7);
      default:
        void region;
        void account;
        return this.physicalName(name);
    }
  }

  attribute(logicalId: string, attribute: string): string {
    const resource = this.resources[logicalId];
    const { region, account } = this.context;
    if (!resource) {
      this.warnings.push(`Fn::GetAtt ${logicalId}.${attribute}: no such resource`);
      return `local-unresolved-${logicalId}.${attribute}`;
    }
    const name = () => this.physicalName(logicalId);
    switch (`${resource.Type}.${attribute}`) {
      case 'AWS::Lambda::Function.Arn':
        return `arn:aws:lambda:${region}:${account}:function:${name()}`;
      case 'AWS::SQS::Queue.Arn':
        return `arn:aws:sqs:${region}:${account}:${name()}`;
      case 'AWS::SQS::Queue.QueueName':
        return name();
      case 'AWS::SQS::Queue.QueueUrl':
        return `${this.context.queueBaseUrl}/${account}/${name()}`;
      case 'AWS::Events::EventBus.Arn':
        return `arn:aws:events:${region}:${account}:event-bus/${name()}`;
      case 'AWS::Events::EventBus.Name':
        return name();
      case 'AWS::Events::Rule.Arn': {
        const bus = resource.Properties?.EventBusName;
        const busName = bus === undefined ? 'default' : busNameOf(this.string(bus));
        return `arn:aws:events:${region}:${account}:rule/${busName === 'default' ? '' : `${busName}/`}${name()}`;
      }
      case 'AWS::Events::Archive.Arn':
        return `arn:aws:events:${region}:${account}:archive/${name()}`;
      case 'AWS::StepFunctions::StateMachine.Arn':
        return `arn:aws:states:${region}:${account}:stateMachine:${name()}`;
      case 'AWS::StepFunctions::StateMachine.Name':
        return name();
      case 'AWS::DynamoDB::Table.Arn':
        return `arn:aws:dynamodb:${region}:${account}:table/${name()}`;
      case 'AWS::SecretsManager::Secret.Arn':
      case 'AWS::SecretsManager::Secret.Id': {
        const secretName = this.secretName(logicalId);
        return `arn:aws:secretsmanager:${region}:${account}:secret:${secretName}-${shortHash(logicalId, 6)}`;
      }
      case 'AWS::SNS::Topic.TopicArn':
      case 'AWS::SNS::Topic.Arn':
        return `arn:aws:sns:${region}:${account}:${name()}`;
      case 'AWS::KMS::Key.Arn':
        return `arn:aws:kms:${region}:${account}:key/${this.ref(logicalId) as string}`;
      case 'AWS::IAM::Role.Arn':
        return `arn:aws:iam::${account}:role/${name()}`;
      case 'AWS::Logs::LogGroup.Arn':
        return `arn:aws:logs:${region}:${account}:log-group:${name()}:*`;
      case 'AWS::S3::Bucket.Arn':
        return `arn:aws:s3:::${name()}`;
      case 'AWS::S3::Bucket.DomainName':
      case 'AWS::S3::Bucket.RegionalDomainName':
        return `${name()}.s3.localhost`;
      case 'AWS::ApiGateway::RestApi.RootResourceId':
        return `${shortHash(logicalId, 10)}-root`;
      case 'AWS::ApiGateway::Resource.ResourceId':
        return this.ref(logicalId) as string;
      case 'AWS::ApiGatewayV2::Api.ApiId':
        return this.ref(logicalId) as string;
      case 'AWS::ApiGatewayV2::Api.ApiEndpoint':
        return `https://${this.ref(logicalId) as string}.execute-api.${region}.amazonaws.com`;
      default:
        return `local-${logicalId}.${attribute}`;
    }
  }

  /** The physical name: explicit in the template, else `<StackName>-<LogicalId>` within the service limit. */
  physicalName(logicalId: string): string {
    const resource = this.resources[logicalId];
    const property = resource ? EXPLICIT_NAME[resource.Type] : undefined;
    const explicit = property ? resource?.Properties?.[property] : undefined;
    if (explicit !== undefined) return this.string(explicit);
    const limit = resource ? (NAME_LIMITS[resource.Type] ?? 128) : 128;
    let generated = `${this.context.stackName}-${logicalId}`;
    if (generated.length > limit) generated = `${generated.slice(0, limit - 9)}-${shortHash(logicalId, 8)}`;
    // Bucket names are lower case, as CloudFormation generates them.
    if (resource?.Type === 'AWS::S3::Bucket') generated = generated.toLowerCase();
    if (resource?.Type === 'AWS::SQS::Queue' && resource.Properties?.FifoQueue)
      generated = `${generated.slice(0, limit - 5)}.fifo`;
    return generated;
  }

  /** Secret name: explicit, else `<StackName>/<ConstructId>`. */
  secretName(logicalId: string): string {
    const resource = this.resources[logicalId];
    if (resource?.Properties?.Name !== undefined) return this.string(resource.Properties.Name);
    return `${this.context.stackName}/${resource ? constructIdOf(resource, logicalId) : logicalId}`;
  }

  private sub(arg: unknown): string {
    const [text, variables] = Array.isArray(arg)
      ? (arg as [string, Record<string, unknown>])
      : [String(arg), {}];
    return text.replace(/\$\{(!?)([^}]+)\}/g, (whole, bang: string, expr: string) => {
      if (bang) return `\${${expr}}`;
      if (expr in variables) return this.string(variables[expr]);
      const dot = expr.indexOf('.');
      if (dot > 0 && this.resources[expr.slice(0, dot)])
        return this.attribute(expr.slice(0, dot), expr.slice(dot + 1));
      const ref = this.ref(expr);
      return ref === NO_VALUE ? '' : ref;
    });
  }
}

function shortHash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}
