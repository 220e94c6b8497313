/**
 * A deprecated route answers every request with Deprecation (RFC 9745), Sunset (RFC 8594) and a
 * successor Link, from its declaration in application/api-routes.ts, through the handler plumbing
 * every API function shares (so AWS and the local runtime answer the same).
 */
import { describe, expect, it, vi } from 'vitest';
import type * as ApiRoutes from '../../../application/api-routes';
import type { ApiRouteDefinition } from '../../../application/api-routes';
import { apiEvent } from './support';

vi.mock('../../../application/api-routes', async (importOriginal) => {
  const original = await importOriginal<typeof ApiRoutes>();
  return {
    ...original,
    API_ROUTES: original.API_ROUTES.map((route): ApiRouteDefinition =>
      route.path === '/v1/approvals' && route.method === 'GET'
        ? { ...route, deprecation: { date: '2026-12-01', sunset: '2027-03-01', successor: '/v2/approvals' } }
        : route,
    ),
  };
});

const { handler: pendingApprovals } = await import('../../../functions/api/pending-approvals');
const { handler: auditTrail } = await import('../../../functions/api/approval-audit');

describe('a deprecated route', () => {
  it('answers with Deprecation, Sunset and the successor Link, refusals included', async () => {
    const response = await pendingApprovals({
      ...apiEvent({ path: '/v1/approvals' }),
      resource: '/v1/approvals',
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers).toMatchObject({
      'content-type': 'application/problem+json',
      deprecation: `@${Date.UTC(2026, 11, 1) / 1000}`,
      sunset: 'Mon, 01 Mar 2027 00:00:00 GMT',
      link: '</v2/approvals>; rel="successor-version"',
    });
  });

  it('leaves the answers of routes that are not deprecated as they were', async () => {
    const response = await auditTrail({
      ...apiEvent({ path: '/v1/commitments/C-1/approval-audit', pathParameters: { commitmentId: 'C-1' } }),
      resource: '/v1/commitments/{commitmentId}/approval-audit',
    });
    expect(response.statusCode).toBe(401);
    expect(Object.keys(response.headers ?? {})).not.toContain('deprecation');
    expect(Object.keys(response.headers ?? {})).not.toContain('sunset');
  });
});
