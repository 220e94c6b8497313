/**
 * The process APIs' scopes through the governed API's authorizer: a token holding
 * `supplyline/purchase-orders.validate` reaches the validation route only, one holding
 * `supplyline/suppliers.read` the eligibility route only, and the WMS's read scope neither.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { APPLICATION_CONSUMERS } from '../../../application/identity';
import { rsaKey, serveIssuer, signJwt, type TestKey } from '../../adapters/identity/token-fixtures';

const API = 'arn:aws:execute-api:us-east-1:123456789012:abc123/dev';
const VALIDATE = `${API}/POST/v1/purchase-order-validations`;
const ELIGIBILITY = `${API}/GET/v1/suppliers/*/eligibility`;
let issuer: Awaited<ReturnType<typeof serveIssuer>>;
let key: TestKey;
let handler: (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

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

async function reachable(scope: string): Promise<string[]> {
  const token = signJwt(
    {
      iss: issuer.issuer,
      aud: 'supplyline',
      sub: 'bo.buyer',
      client_id: 'people',
      scope,
      exp: Math.floor(Date.now() / 1000) + 300,
    },
    key,
  );
  const result = await handler({
    type: 'REQUEST',
    methodArn: VALIDATE,
    resource: '/v1/purchase-order-validations',
    path: '/v1/purchase-order-validations',
    httpMethod: 'POST',
    headers: { Authorization: `Bearer ${token}` },
  } as unknown as APIGatewayRequestAuthorizerEvent);
  return result.policyDocument.Statement.flatMap((statement) =>
    'Resource' in statement && statement.Effect === 'Allow' ? [statement.Resource ?? []].flat() : [],
  );
}

describe('process API scopes', () => {
  it('admit the validation route with purchase-orders.validate, and only it', async () => {
    expect(await reachable('supplyline/purchase-orders.validate')).toEqual([VALIDATE]);
  });

  it('admit the eligibility route with suppliers.read, and only it', async () => {
    expect(await reachable('supplyline/suppliers.read')).toEqual([ELIGIBILITY]);
  });

  it('admit neither with the WMS application’s scopes', async () => {
    const wms = APPLICATION_CONSUMERS.find((consumer) => consumer.name === 'wms')!;
    const allowed = await reachable(wms.scopes.join(' '));
    expect(allowed).not.toContain(VALIDATE);
    expect(allowed).not.toContain(ELIGIBILITY);
  });
});
