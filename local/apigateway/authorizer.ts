/**
 * Lambda authorizers of the local REST API, as API Gateway runs them: the REQUEST (or TOKEN) event
 * to the authorizer function, `Unauthorized` -> 401, any other failure -> 500, the returned IAM policy
 * evaluated against the method ARN (an explicit Deny wins; no Allow is a deny -> 403), and the
 * answer cached per identity source values for the authorizer's TTL (the cached policy is evaluated
 * against each new method, as in AWS).
 */
import type { IncomingMessage } from 'node:http';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type { ApiRouteModel, AuthorizerModel } from '../../assembly';
import type { InvocationResult } from '../lambda/functions';
import { headerValue } from './events';

/** What the authorizer decided for one request. */
export type AuthorizerDecision =
  | { outcome: 'allow'; context: Record<string, unknown> }
  | { outcome: 'unauthorized' }
  | { outcome: 'denied' }
  | { outcome: 'failure'; type: 'AUTHORIZER_FAILURE' | 'AUTHORIZER_CONFIGURATION_ERROR'; message: string };

/** The request as the authorizer sees it. */
export interface AuthorizerRequest {
  req: IncomingMessage;
  url: URL;
  route: ApiRouteModel & { authorizer: AuthorizerModel };
  path: string;
  methodArn: string;
  pathParameters: Record<string, string>;
  requestContext: Record<string, unknown>;
}

/** Runs authorizers with their result cache. */
export class LocalAuthorizers {
  private readonly cache = new Map<string, { result: APIGatewayAuthorizerResult; expiresAt: number }>();

  constructor(private readonly invoke: (functionName: string, event: unknown) => Promise<InvocationResult>) {}

  async decide(request: AuthorizerRequest): Promise<AuthorizerDecision> {
    const { authorizer } = request.route;
    const sources = authorizer.identitySources.map((source) => identitySourceValue(request, source));
    // API Gateway answers 401 itself when an identity source is missing.
    if (sources.some((value) => value === undefined || value === '')) return { outcome: 'unauthorized' };
    const cacheKey = `${authorizer.logicalId}\u0000${sources.join('\u0000')}`;
    const cached = this.cache.get(cacheKey);
    let result = cached && cached.expiresAt > Date.now() ? cached.result : undefined;
    if (!result) {
      const invocation = await this.invoke(authorizer.functionName, authorizerEvent(request, sources[0]!));
      if (!invocation.ok) {
        return invocation.error.errorMessage === 'Unauthorized'
          ? { outcome: 'unauthorized' }
          : { outcome: 'failure', type: 'AUTHORIZER_FAILURE', message: invocation.error.errorMessage };
      }
      result = invocation.payload as APIGatewayAuthorizerResult;
      if (!result?.principalId || !Array.isArray(result.policyDocument?.Statement))
        return {
          outcome: 'failure',
          type: 'AUTHORIZER_CONFIGURATION_ERROR',
          message: 'authorizer answered without principalId and policyDocument',
        };
      if (authorizer.resultTtlSeconds > 0)
        this.cache.set(cacheKey, { result, expiresAt: Date.now() + authorizer.resultTtlSeconds * 1000 });
    }
    if (!policyAllows(result, request.methodArn)) return { outcome: 'denied' };
    return { outcome: 'allow', context: { ...(result.context ?? {}), principalId: result.principalId } };
  }
}

function identitySourceValue(request: AuthorizerRequest, source: string): string | undefined {
  const header = /^method\.request\.header\.(.+)$/.exec(source)?.[1];
  if (header) return headerValue(request.req, header.toLowerCase());
  const query = /^method\.request\.querystring\.(.+)$/.exec(source)?.[1];
  if (query) return request.url.searchParams.get(query) ?? undefined;
  return 'unsupported-source'; // context and stage variables: always present locally
}

function authorizerEvent(request: AuthorizerRequest, token: string): unknown {
  const { req, route } = request;
  if (route.authorizer.type === 'TOKEN')
    return { type: 'TOKEN', methodArn: request.methodArn, authorizationToken: token };
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    headers[req.rawHeaders[i]!] = req.rawHeaders[i + 1]!;
    (multiValueHeaders[req.rawHeaders[i]!] ??= []).push(req.rawHeaders[i + 1]!);
  }
  const query = Object.fromEntries(request.url.searchParams);
  return {
    type: 'REQUEST',
    methodArn: request.methodArn,
    resource: route.resourcePath,
    path: request.path,
    httpMethod: route.httpMethod,
    headers,
    multiValueHeaders,
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    pathParameters: Object.keys(request.pathParameters).length > 0 ? request.pathParameters : null,
    stageVariables: null,
    requestContext: request.requestContext,
  };
}

/** IAM evaluation of an authorizer policy for one method ARN: explicit Deny, then Allow, else deny. */
export function policyAllows(result: APIGatewayAuthorizerResult, methodArn: string): boolean {
  const matching = (effect: string) =>
    result.policyDocument.Statement.some((statement) => {
      const s = statement as { Effect: string; Action?: string | string[]; Resource?: string | string[] };
      const actions = [s.Action ?? []].flat();
      const resources = [s.Resource ?? []].flat();
      return (
        s.Effect === effect &&
        actions.some((action) => globMatches(action, 'execute-api:Invoke')) &&
        resources.some((resource) => globMatches(resource, methodArn))
      );
    });
  return !matching('Deny') && matching('Allow');
}

function globMatches(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}
