/**
 * IAM enforcement for the local runtime: an authorizing proxy in front of each stand-in endpoint
 * the functions call. Each function signs with its own access key id ({@link functionAccessKeyId});
 * the proxy reads it from the SigV4 `Authorization` header (or a presigned URL's
 * `X-Amz-Credential`), derives what IAM would check (requests.ts) and evaluates the statements of
 * the function's role from the template (policy.ts). Refused: the service's own AccessDenied
 * answer and a log line naming the function, the action and the resource, so a missing grant fails
 * locally as it would in AWS. Any other key (`local`: the runtime, the ops CLI, tests) passes.
 */
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { FunctionModel, TemplateModel } from '../../assembly';
import { listen, readBody, type ListeningServer } from '../http/server';
import type { StandInEndpoints } from '../lambda/start';
import { PermissionEvaluator, type Decision } from './policy';
import { accessChecks, type AccessCheck, type ResourceNaming, type StandInRequest } from './requests';

/** The access key id a function's SDK clients sign with locally. */
export function functionAccessKeyId(fn: Pick<FunctionModel, 'logicalId'>): string {
  return `LOCAL${fn.logicalId}`;
}

/** A call the function's role does not allow. */
export interface AccessDenial {
  functionName: string;
  constructId: string;
  action: string;
  resource: string;
  decision: Exclude<Decision, 'allowed'>;
  at: Date;
}

/** Running enforcement: the endpoints to give the functions instead of the stand-ins'. */
export interface IamEnforcement {
  endpoints: StandInEndpoints;
  stop(): Promise<void>;
}

interface Principal {
  fn: FunctionModel;
  evaluator: PermissionEvaluator;
  /** Decisions by `action resource`: a function calls the same few resources again and again. */
  decisions: Map<string, Decision>;
}

/** Decisions kept per function before the cache starts over (S3 keys make resources unbounded). */
const DECISION_CACHE = 5000;

/** Starts one authorizing proxy per stand-in port (SQS and S3 share fauxqs's). */
export async function startIamEnforcement(
  assembly: Pick<TemplateModel, 'functions' | 'secrets' | 'region' | 'account'>,
  options: {
    endpoints: StandInEndpoints;
    host: string;
    /** The state machine whose execution waits on a task token (SendTaskSuccess's resource). */
    taskTokenStateMachine: (taskToken: string) => string | undefined;
    onDenial: (denial: AccessDenial) => void;
    log: (line: string) => void;
  },
): Promise<IamEnforcement> {
  const principals = new Map<string, Principal>();
  for (const fn of assembly.functions) {
    if (!fn.permissions) continue;
    principals.set(functionAccessKeyId(fn), {
      fn,
      evaluator: new PermissionEvaluator(fn.permissions),
      decisions: new Map(),
    });
  }
  const secretArns = new Map(
    assembly.secrets.flatMap((s) => [[s.name, s.arn] as const, [s.arn, s.arn] as const]),
  );
  const naming: ResourceNaming = {
    region: assembly.region,
    account: assembly.account,
    secretArn: (id) =>
      secretArns.get(id) ??
      (id.startsWith('arn:')
        ? id
        : `arn:aws:secretsmanager:${assembly.region}:${assembly.account}:secret:${id}`),
    taskTokenStateMachine: options.taskTokenStateMachine,
  };
  const authorize = (principal: Principal, checks: AccessCheck[]): AccessDenial | undefined => {
    for (const { action, resource } of checks) {
      const cacheKey = `${action} ${resource}`;
      let decision = principal.decisions.get(cacheKey);
      if (decision === undefined) {
        decision = principal.evaluator.decide(action, resource);
        if (principal.decisions.size >= DECISION_CACHE) principal.decisions.clear();
        principal.decisions.set(cacheKey, decision);
      }
      if (decision !== 'allowed') {
        const { fn } = principal;
        return {
          functionName: fn.name,
          constructId: fn.constructId,
          action,
          resource,
          decision,
          at: new Date(),
        };
      }
    }
    return undefined;
  };

  const proxies = new Map<number, ListeningServer>();
  const agent = new Agent({ keepAlive: true });
  const proxied = async (endpoint: string): Promise<string> => {
    const target = new URL(endpoint);
    const targetPort = Number(target.port);
    let proxy = proxies.get(targetPort);
    if (!proxy) {
      const server = createServer((req, res) => {
        void handle(req, res, targetPort).catch((error: unknown) => res.destroy(error as Error));
      });
      proxy = await listen(server, 0, options.host);
      proxies.set(targetPort, proxy);
    }
    const front = new URL(endpoint);
    front.port = String(proxy.port);
    return front.origin;
  };

  async function handle(req: IncomingMessage, res: ServerResponse, targetPort: number): Promise<void> {
    const body = await readBody(req);
    const principal = principals.get(accessKeyOf(req) ?? '');
    if (principal) {
      const host = req.headers.host ?? '';
      const stand: StandInRequest = {
        method: req.method ?? 'GET',
        host,
        url: req.url ?? '/',
        headers: req.headers,
        body,
      };
      const checks = accessChecks(stand, naming) ?? [];
      const denial = authorize(principal, checks);
      if (denial) {
        options.log(
          `access denied: ${denial.constructId} (${denial.functionName}) may not ${denial.action} on ${denial.resource}: ` +
            (denial.decision === 'explicitly-denied'
              ? 'a statement of its role denies it'
              : 'no statement of its role allows it'),
        );
        options.onDenial(denial);
        refuse(stand, res, denial, assembly.account);
        return;
      }
    }
    const upstream = request({
      host: '127.0.0.1',
      port: targetPort,
      method: req.method,
      path: req.url,
      // The stand-in sees its own port (fauxqs builds queue URLs from the Host header).
      headers: {
        ...req.headers,
        ...(req.headers.host ? { host: req.headers.host.replace(/:\d+$/, `:${targetPort}`) } : {}),
      },
      agent,
    });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    // The stand-in is unreachable: so is the endpoint, as the caller would see it without a proxy.
    upstream.on('error', (error) => res.destroy(error));
    upstream.end(body);
  }

  const { endpoints } = options;
  const result: StandInEndpoints = {
    sqs: await proxied(endpoints.sqs),
    dynamodb: await proxied(endpoints.dynamodb),
    eventbridge: await proxied(endpoints.eventbridge),
    stepfunctions: await proxied(endpoints.stepfunctions),
    secretsmanager: await proxied(endpoints.secretsmanager),
    s3: await proxied(endpoints.s3),
  };
  options.log(`enforcing the IAM policies of ${principals.size} function roles on the stand-ins' endpoints`);
  return {
    endpoints: result,
    stop: async () => {
      await Promise.all([...proxies.values()].map((proxy) => proxy.close()));
      agent.destroy();
    },
  };
}

/** The access key id of a SigV4-signed request (header or presigned URL). */
function accessKeyOf(req: IncomingMessage): string | undefined {
  const authorization = req.headers.authorization;
  const fromHeader =
    typeof authorization === 'string' ? /Credential=([^/,\s]+)/.exec(authorization)?.[1] : undefined;
  if (fromHeader) return fromHeader;
  const credential = new URL(req.url ?? '/', 'http://local').searchParams.get('X-Amz-Credential');
  return credential?.split('/')[0];
}

/** The service's own AccessDenied answer (JSON protocols: 400; SQS and S3: 403, as AWS answers). */
function refuse(request: StandInRequest, res: ServerResponse, denial: AccessDenial, account: string): void {
  const requestId = randomUUID();
  const message =
    `User: arn:aws:sts::${account}:assumed-role/${denial.constructId}Role/${denial.functionName} is not authorized to perform: ` +
    `${denial.action} on resource: ${denial.resource} ` +
    (denial.decision === 'explicitly-denied'
      ? 'with an explicit deny in an identity-based policy'
      : `because no identity-based policy allows the ${denial.action} action`);
  const target = request.headers['x-amz-target'];
  const sqs = denial.action.startsWith('sqs:');
  if (typeof target === 'string') {
    const text = JSON.stringify({ __type: sqs ? 'AccessDenied' : 'AccessDeniedException', message });
    res.writeHead(sqs ? 403 : 400, {
      'content-type': String(request.headers['content-type'] ?? 'application/x-amz-json-1.0'),
      'x-amzn-requestid': requestId,
      ...(sqs ? { 'x-amzn-query-error': 'AccessDenied;Sender' } : {}),
    });
    res.end(text);
    return;
  }
  const code = `<Code>AccessDenied</Code><Message>${escapeXml(message)}</Message>`;
  const xml = sqs
    ? `<ErrorResponse><Error><Type>Sender</Type>${code}</Error><RequestId>${requestId}</RequestId></ErrorResponse>`
    : `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${code}<RequestId>${requestId}</RequestId></Error>`;
  res.writeHead(403, { 'content-type': 'application/xml', 'x-amz-request-id': requestId });
  res.end(xml);
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
