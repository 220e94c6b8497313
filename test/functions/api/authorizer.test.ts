/** The governed API's REQUEST authorizer against a real issuer on the loopback. */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { APPLICATION_CONSUMERS } from '../../../application/identity';
import { rsaKey, serveIssuer, signJwt, type TestKey } from '../../adapters/identity/token-fixtures';

const API = 'arn:aws:execute-api:us-east-1:123456789012:abc123/dev';
let issuer: Awaited<ReturnType<typeof serveIssuer>>;
let key: TestKey;
let handler: (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  key = rsaKey('k1');
  issuer = await serveIssuer([key]);
  vi.stubEnv('IDENTITY_ISSUER', issuer.issuer);
  vi.stubEnv('IDENTITY_AUDIENCE', 'supplyline');
  vi.stubEnv('IDENTITY_GROUPS_CLAIM', 'groups');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  ({ handler } = await import('../../../functions/api/authorizer'));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await issuer.close();
});

function request(authorization?: string): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: `${API}/POST/v1/approvals/APR-1/decision`,
    resource: '/v1/approvals/{approvalId}/decision',
    path: '/v1/approvals/APR-1/decision',
    httpMethod: 'POST',
    headers: authorization ? { Authorization: authorization } : {},
  } as unknown as APIGatewayRequestAuthorizerEvent;
}

const token = (scope: string, extra: Record<string, unknown> = {}) =>
  signJwt(
    {
      iss: issuer.issuer,
      aud: 'supplyline',
      sub: 'ava.approver',
      client_id: 'people',
      jti: 'j-1',
      scope,
      groups: ['approver'],
      exp: now() + 300,
      ...extra,
    },
    key,
  );

describe('api-authorizer', () => {
  it('allows every route the token’s scopes admit (cache-safe) and passes the caller as context', async () => {
    const result = await handler(
      request(`Bearer ${token('supplyline/approvals.decide supplyline/purchase-orders.read')}`),
    );
    expect(result.principalId).toBe('ava.approver');
    expect(result.policyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: [
          `${API}/POST/v1/approvals/*/decision`,
          `${API}/GET/v1/purchase-orders/*/sync`,
          // The API's own document: any admitted caller may read it.
          `${API}/GET/v1/openapi.json`,
          // The purchase-order system API (issue #17, ADR 12).
          `${API}/GET/v1/purchase-orders/*`,
          `${API}/GET/v1/purchase-orders`,
        ],
      },
    ]);
    expect(result.context).toEqual({
      subject: 'ava.approver',
      issuer: issuer.issuer,
      tokenId: 'j-1',
      clientId: 'people',
      scopes: 'supplyline/approvals.decide supplyline/purchase-orders.read',
      groups: 'approver',
      callerKind: 'person',
    });
  });

  it('denies the whole stage to a valid token whose scopes admit no governed route', async () => {
    const result = await handler(request(`Bearer ${token('openid')}`));
    expect(result.policyDocument.Statement).toEqual([
      { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: [`${API}/*`] },
    ]);
  });

  it.each<[string, () => string | undefined]>([
    ['no Authorization header', () => undefined],
    ['a Basic credential', () => 'Basic dXNlcjpwYXNz'],
    ['an expired token', () => `Bearer ${token('supplyline/approvals.decide', { exp: now() - 60 })}`],
    ['a token for another audience', () => `Bearer ${token('supplyline/approvals.decide', { aud: 'x' })}`],
  ])('answers Unauthorized (401) to %s', async (_name, authorization) => {
    await expect(handler(request(authorization()))).rejects.toThrow(/^Unauthorized$/);
  });
});

describe('api-authorizer on the process APIs (issue #17)', () => {
  const VALIDATE = `${API}/POST/v1/purchase-order-validations`;
  const ELIGIBILITY = `${API}/GET/v1/suppliers/*/eligibility`;
  const allowed = async (scope: string) =>
    (await handler(request(`Bearer ${token(scope)}`))).policyDocument.Statement.flatMap((statement) =>
      'Resource' in statement && statement.Effect === 'Allow' ? [statement.Resource ?? []].flat() : [],
    );

  it('admits the validation route with purchase-orders.validate, the eligibility route with suppliers.read', async () => {
    const document = `${API}/GET/v1/openapi.json`;
    expect(await allowed('supplyline/purchase-orders.validate')).toEqual([VALIDATE, document]);
    // suppliers.read also admits the supplier system API (ADR 12).
    expect(await allowed('supplyline/suppliers.read')).toEqual([
      ELIGIBILITY,
      document,
      `${API}/GET/v1/suppliers/*`,
      `${API}/GET/v1/suppliers`,
    ]);
  });

  it('admits neither with the WMS application’s scopes', async () => {
    const wms = APPLICATION_CONSUMERS.find((consumer) => consumer.name === 'wms')!;
    const reachable = await allowed(wms.scopes.join(' '));
    expect(reachable).not.toContain(VALIDATE);
    expect(reachable).not.toContain(ELIGIBILITY);
  });
});
