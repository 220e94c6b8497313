/**
 * Which governed routes a caller may reach: a route admits a caller holding any one of its scopes.
 * The decision covers every route at once, so API Gateway may cache it per token (ADR 0009).
 */
import type { VerifiedCaller } from '../ports/identity';

/** A governed route and the scopes that admit a caller (any of). */
export interface ScopedRoute {
  readonly method: string;
  /** `/v1/approvals/{approvalId}/decision` */
  readonly path: string;
  readonly scopes: readonly string[];
}

/** The routes `caller` may and may not reach. */
export function routeAccess<R extends ScopedRoute>(
  caller: Pick<VerifiedCaller, 'scopes'>,
  routes: readonly R[],
): { allowed: R[]; denied: R[] } {
  const held = new Set(caller.scopes);
  const allowed: R[] = [];
  const denied: R[] = [];
  for (const route of routes) (route.scopes.some((scope) => held.has(scope)) ? allowed : denied).push(route);
  return { allowed, denied };
}
