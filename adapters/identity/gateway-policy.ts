/**
 * The answer of an API Gateway REQUEST authorizer: an IAM policy over the governed methods and the
 * caller as context (strings only; handlers read it as `requestContext.authorizer.<key>`).
 * The policy lists every route the caller's scopes admit, not only the one asked, because API
 * Gateway caches it per Authorization header for every method of the API (ADR 0009).
 */
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type { ScopedRoute } from '../../domain/identity/route-access';
import type { VerifiedCaller } from '../../domain/ports/identity';

/** The context keys the governed handlers read (functions/api/http.ts). */
export interface CallerContext {
  readonly [key: string]: string;
  subject: string;
  issuer: string;
  tokenId: string;
  clientId: string;
  /** Space-separated. */
  scopes: string;
  /** Comma-separated. */
  groups: string;
  callerKind: 'person' | 'application';
}

/** The caller as authorizer context. */
export function callerContext(caller: VerifiedCaller): CallerContext {
  return {
    subject: caller.subject,
    issuer: caller.issuer,
    tokenId: caller.tokenId,
    clientId: caller.clientId,
    scopes: caller.scopes.join(' '),
    groups: caller.groups.join(','),
    callerKind: caller.kind,
  };
}

/**
 * `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>` of a route, from the
 * method ARN of the request (`{param}` segments become `*`).
 */
export function routeArn(methodArn: string, route: Pick<ScopedRoute, 'method' | 'path'>): string {
  const [apiArn, stage] = methodArn.split('/');
  const path = route.path.replace(/\{[^}]+\}/g, '*');
  return `${apiArn}/${stage}/${route.method}${path}`;
}

/** Allow on the admitted routes; with none admitted, an explicit deny of the whole stage. */
export function gatewayPolicy(
  caller: VerifiedCaller,
  methodArn: string,
  allowed: readonly Pick<ScopedRoute, 'method' | 'path'>[],
): APIGatewayAuthorizerResult {
  const [apiArn, stage] = methodArn.split('/');
  const statement =
    allowed.length > 0
      ? {
          Effect: 'Allow' as const,
          Action: 'execute-api:Invoke',
          Resource: allowed.map((r) => routeArn(methodArn, r)),
        }
      : { Effect: 'Deny' as const, Action: 'execute-api:Invoke', Resource: [`${apiArn}/${stage}/*`] };
  return {
    principalId: caller.subject,
    policyDocument: { Version: '2012-10-17', Statement: [statement] },
    context: callerContext(caller),
  };
}
