/**
 * What a request to a stand-in asks IAM for: the actions and resources AWS authorizes it against.
 * AWS JSON protocols (DynamoDB, EventBridge, Step Functions, Secrets Manager, SQS) name the
 * operation in `X-Amz-Target` and the resource in the body; SQS's query protocol in the form body;
 * S3's REST protocol in the method, the bucket (virtual-hosted or path style), the key, the query
 * and a few headers. A request can need several checks (TransactWriteItems, PutEvents to several
 * buses, DeleteObjects, a PutObject with Object Lock retention).
 */
import type { IncomingHttpHeaders } from 'node:http';

/** A request as the proxy in front of a stand-in received it. */
export interface StandInRequest {
  method: string;
  /** The `Host` header (S3 virtual-hosted buckets are named there). */
  host: string;
  /** Path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One thing IAM must allow. */
export interface AccessCheck {
  /** `dynamodb:PutItem` */
  action: string;
  /** The resource ARN, or `*` for actions that have none. */
  resource: string;
}

/** How to name resources the request names only partly. */
export interface ResourceNaming {
  region: string;
  account: string;
  /** The ARN of a secret given by name or ARN. */
  secretArn(secretId: string): string;
  /** The state machine whose execution waits on a task token (undefined: unknown or answered). */
  taskTokenStateMachine(taskToken: string): string | undefined;
}

type Input = Record<string, unknown>;

/** The service of each JSON protocol's target prefix. */
const JSON_SERVICES: Record<string, string> = {
  DynamoDB_20120810: 'dynamodb',
  AWSEvents: 'events',
  AWSStepFunctions: 'states',
  secretsmanager: 'secretsmanager',
  AmazonSQS: 'sqs',
};

/** SQS batch operations authorize as their single forms. */
const SQS_ACTIONS: Record<string, string> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

/** The checks a request needs; undefined when it is not one this module can read (passed through). */
export function accessChecks(request: StandInRequest, naming: ResourceNaming): AccessCheck[] | undefined {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') {
    const dot = target.indexOf('.');
    const service = JSON_SERVICES[target.slice(0, dot)];
    if (!service) return undefined;
    const input = parseJson(request.body);
    return jsonChecks(service, target.slice(dot + 1), input, naming);
  }
  const form = String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
    ? new URLSearchParams(request.body.toString('utf8'))
    : undefined;
  if (form?.has('Action')) {
    const input = Object.fromEntries(form.entries());
    return sqsChecks(String(input.Action), input, naming);
  }
  return s3Checks(request);
}

function jsonChecks(service: string, operation: string, input: Input, naming: ResourceNaming): AccessCheck[] {
  switch (service) {
    case 'dynamodb':
      return dynamoDbChecks(operation, input, naming);
    case 'events':
      return eventsChecks(operation, input, naming);
    case 'states':
      return statesChecks(operation, input, naming);
    case 'secretsmanager': {
      const id = input.SecretId;
      return [
        {
          action: `secretsmanager:${operation}`,
          resource: typeof id === 'string' ? naming.secretArn(id) : '*',
        },
      ];
    }
    default:
      return sqsChecks(operation, input, naming);
  }
}

function dynamoDbChecks(operation: string, input: Input, naming: ResourceNaming): AccessCheck[] {
  const table = (name: unknown, index?: unknown) => {
    const arn = String(name).startsWith('arn:')
      ? String(name)
      : `arn:aws:dynamodb:${naming.region}:${naming.account}:table/${String(name)}`;
    return typeof index === 'string' ? `${arn}/index/${index}` : arn;
  };
  switch (operation) {
    case 'TransactWriteItems':
    case 'TransactGetItems': {
      // Each item is authorized as its own single-item action.
      const actions: Record<string, string> = {
        Put: 'PutItem',
        Update: 'UpdateItem',
        Delete: 'DeleteItem',
        ConditionCheck: 'ConditionCheckItem',
        Get: 'GetItem',
      };
      return ((input.TransactItems as Input[] | undefined) ?? []).flatMap((item) =>
        Object.entries(item).map(([kind, spec]) => ({
          action: `dynamodb:${actions[kind] ?? kind}`,
          resource: table((spec as Input).TableName),
        })),
      );
    }
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.keys((input.RequestItems as Input | undefined) ?? {}).map((name) => ({
        action: `dynamodb:${operation}`,
        resource: table(name),
      }));
    default:
      return [
        {
          action: `dynamodb:${operation}`,
          resource: input.TableName === undefined ? '*' : table(input.TableName, input.IndexName),
        },
      ];
  }
}

function eventsChecks(operation: string, input: Input, naming: ResourceNaming): AccessCheck[] {
  const bus = (name: unknown) =>
    String(name).startsWith('arn:')
      ? String(name)
      : `arn:aws:events:${naming.region}:${naming.account}:event-bus/${String(name)}`;
  if (operation === 'PutEvents') {
    const buses = new Set(
      ((input.Entries as Input[] | undefined) ?? []).map((entry) => bus(entry.EventBusName ?? 'default')),
    );
    return [...buses].map((resource) => ({ action: 'events:PutEvents', resource }));
  }
  return [{ action: `events:${operation}`, resource: input.EventBusName ? bus(input.EventBusName) : '*' }];
}

function statesChecks(operation: string, input: Input, naming: ResourceNaming): AccessCheck[] {
  const action = `states:${operation}`;
  if (typeof input.taskToken === 'string') {
    // An unknown or answered token has no execution: the endpoint answers it as AWS does (TaskTimedOut).
    const machine = naming.taskTokenStateMachine(input.taskToken);
    return machine ? [{ action, resource: machine }] : [];
  }
  const resource = input.stateMachineArn ?? input.executionArn;
  return [{ action, resource: typeof resource === 'string' ? resource : '*' }];
}

function sqsChecks(operation: string, input: Input, naming: ResourceNaming): AccessCheck[] {
  const action = `sqs:${SQS_ACTIONS[operation] ?? operation}`;
  if (typeof input.QueueUrl === 'string') {
    const [account, name] = new URL(input.QueueUrl).pathname.split('/').filter(Boolean).slice(-2);
    return [{ action, resource: `arn:aws:sqs:${naming.region}:${account}:${name}` }];
  }
  if (typeof input.QueueName === 'string') {
    const owner =
      typeof input.QueueOwnerAWSAccountId === 'string' ? input.QueueOwnerAWSAccountId : naming.account;
    return [{ action, resource: `arn:aws:sqs:${naming.region}:${owner}:${input.QueueName}` }];
  }
  return [{ action, resource: '*' }];
}

/** S3 REST: the bucket from a virtual host (`<bucket>.s3.<domain>`) or the first path segment. */
function s3Checks(request: StandInRequest): AccessCheck[] {
  const url = new URL(request.url, 'http://s3.localhost');
  const virtual = /^(.+)\.s3\.[^:]+(?::\d+)?$/.exec(request.host)?.[1];
  const segments = url.pathname.slice(1);
  const bucket = virtual ?? decodeURIComponent(segments.split('/')[0] ?? '');
  const rawKey = virtual ? segments : segments.split('/').slice(1).join('/');
  const key = decodeURIComponent(rawKey);
  const query = url.searchParams;
  const method = request.method.toUpperCase();
  if (!bucket) return [{ action: 's3:ListAllMyBuckets', resource: '*' }];
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const objectArn = (k: string) => `${bucketArn}/${k}`;
  if (!key) {
    if (method === 'POST' && query.has('delete')) {
      // DeleteObjects: each key of the XML body is authorized as DeleteObject.
      const keys = [...request.body.toString('utf8').matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) =>
        unescapeXml(m[1]!),
      );
      return keys.map((k) => ({ action: 's3:DeleteObject', resource: objectArn(k) }));
    }
    const bucketAction =
      method === 'PUT'
        ? 's3:CreateBucket'
        : method === 'DELETE'
          ? 's3:DeleteBucket'
          : query.has('versions')
            ? 's3:ListBucketVersions'
            : 's3:ListBucket';
    return [{ action: bucketAction, resource: bucketArn }];
  }
  const resource = objectArn(key);
  const version = query.has('versionId') ? 'Version' : '';
  for (const sub of ['tagging', 'retention', 'legal-hold', 'acl'] as const) {
    if (!query.has(sub)) continue;
    const noun = { tagging: 'Tagging', retention: 'Retention', 'legal-hold': 'LegalHold', acl: 'Acl' }[sub];
    const verb = method === 'GET' ? 'Get' : method === 'DELETE' ? 'Delete' : 'Put';
    return [{ action: `s3:${verb}Object${noun}`, resource }];
  }
  switch (method) {
    case 'GET':
    case 'HEAD':
      return [{ action: `s3:GetObject${version}`, resource }];
    case 'DELETE':
      return [
        { action: query.has('uploadId') ? 's3:AbortMultipartUpload' : `s3:DeleteObject${version}`, resource },
      ];
    case 'PUT':
    case 'POST': {
      const checks: AccessCheck[] = [{ action: 's3:PutObject', resource }];
      // Object Lock settings on a write need their own permissions, as in AWS.
      if (request.headers['x-amz-object-lock-mode'] || request.headers['x-amz-object-lock-retain-until-date'])
        checks.push({ action: 's3:PutObjectRetention', resource });
      if (request.headers['x-amz-object-lock-legal-hold'])
        checks.push({ action: 's3:PutObjectLegalHold', resource });
      const source = request.headers['x-amz-copy-source'];
      if (typeof source === 'string') {
        const [path] = decodeURIComponent(source).replace(/^\//, '').split('?');
        checks.push({ action: 's3:GetObject', resource: `arn:aws:s3:::${path}` });
      }
      return checks;
    }
    default:
      return [{ action: `s3:${method}`, resource }];
  }
}

function parseJson(body: Buffer): Input {
  try {
    const value: unknown = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Input) : {};
  } catch {
    // The stand-in answers the malformed body itself.
    return {};
  }
}

function unescapeXml(text: string): string {
  return text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
}
