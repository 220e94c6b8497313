import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { callerOf } from '../../../functions/api/http';

const withContext = (authorizer: unknown) =>
  ({ requestContext: { requestId: 'r', authorizer } }) as unknown as APIGatewayProxyEvent;

describe("the caller, from the governed API authorizer's context", () => {
  it('parses every field the authorizer passes (all strings)', () => {
    expect(
      callerOf(
        withContext({
          subject: 'dana',
          issuer: 'https://idp.example.com',
          tokenId: 'jti-1',
          clientId: 'approvals-ui',
          scopes: 'supplyline/approvals.decide  supplyline/approvals.read',
          groups: 'approver, buyers',
          callerKind: 'person',
          principalId: 'dana',
        }),
      ),
    ).toEqual({
      subject: 'dana',
      issuer: 'https://idp.example.com',
      tokenId: 'jti-1',
      clientId: 'approvals-ui',
      scopes: ['supplyline/approvals.decide', 'supplyline/approvals.read'],
      groups: ['approver', 'buyers'],
      kind: 'person',
    });
  });

  it('an application unless the context says person; empty lists when absent', () => {
    expect(callerOf(withContext({ subject: 'wms', issuer: 'https://idp.example.com' }))).toEqual({
      subject: 'wms',
      issuer: 'https://idp.example.com',
      tokenId: '',
      clientId: '',
      scopes: [],
      groups: [],
      kind: 'application',
    });
  });

  it('nobody without an authorizer context, a subject or an issuer', () => {
    expect(callerOf(withContext(undefined))).toBeUndefined();
    expect(callerOf(withContext(null))).toBeUndefined();
    expect(callerOf(withContext({ issuer: 'https://idp.example.com' }))).toBeUndefined();
    expect(callerOf(withContext({ subject: 'dana', issuer: ' ' }))).toBeUndefined();
    expect(callerOf({} as APIGatewayProxyEvent)).toBeUndefined();
  });
});
