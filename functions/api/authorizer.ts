/**
 * The governed API's REQUEST authorizer (ADR 0009): verifies the bearer access token and answers
 * with the routes its scopes admit and the caller as context. A missing or invalid token is
 * `Unauthorized` (API Gateway's 401 problem+json); a route the scopes do not admit is denied by the
 * policy (403 problem+json). An identity provider we cannot reach fails the call (500), it does not
 * refuse the caller.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { accessTokenVerifier } from '../../adapters/identity/access-token-verifier';
import { gatewayPolicy } from '../../adapters/identity/gateway-policy';
import { API_ROUTES } from '../../application/api-routes';
import { IDENTITY_ENV_VARS } from '../../application/resources';
import { routeAccess, type ScopedRoute } from '../../domain/identity/route-access';
import { TokenRefused } from '../../domain/ports/identity';
import { logger } from '../commons/logger';

const GOVERNED: readonly ScopedRoute[] = API_ROUTES.filter((route) => route.access === 'identity').map(
  (route) => ({ method: route.method, path: route.path, scopes: route.scopes ?? [] }),
);

const setting = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const cognitoClientIds = process.env[IDENTITY_ENV_VARS.cognitoClientIds];

/** Built once per execution environment: its JWKS cache serves every warm call. */
const verifier = accessTokenVerifier({
  issuer: setting(IDENTITY_ENV_VARS.issuer),
  audience: setting(IDENTITY_ENV_VARS.audience),
  groupsClaim: setting(IDENTITY_ENV_VARS.groupsClaim),
  ...(cognitoClientIds ? { cognitoClientIds: cognitoClientIds.split(',') } : {}),
});

/** `Unauthorized` is the one message API Gateway maps to its 401 response. */
const UNAUTHORIZED = 'Unauthorized';

export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const header = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization');
  const token = /^Bearer\s+(\S+)$/i.exec(header?.[1] ?? '')?.[1];
  if (!token) {
    logger.info('governed request without a bearer token', { path: event.path });
    throw new Error(UNAUTHORIZED);
  }
  try {
    const caller = await verifier.verify(token);
    const { allowed } = routeAccess(caller, GOVERNED);
    return gatewayPolicy(caller, event.methodArn, allowed);
  } catch (error) {
    if (!(error instanceof TokenRefused)) throw error;
    logger.info('access token refused', { reason: error.message, path: event.path });
    throw new Error(UNAUTHORIZED);
  }
}
