/** IAM identity-policy evaluation for one function role: wildcards, Deny, Not forms. */
import { describe, expect, it } from 'vitest';
import type { PermissionStatement } from '../../../assembly';
import { PermissionEvaluator } from '../../../local/iam/policy';

const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/Supplyline-dev-Ledger';
const allow = (actions: string[], resources: string[]): PermissionStatement => ({
  effect: 'Allow',
  actions,
  resources,
  conditional: false,
});

describe('PermissionEvaluator', () => {
  it('allows only an action and resource an Allow statement names', () => {
    const role = new PermissionEvaluator([allow(['dynamodb:GetItem', 'dynamodb:PutItem'], [TABLE])]);
    expect(role.decide('dynamodb:PutItem', TABLE)).toBe('allowed');
    expect(role.decide('dynamodb:UpdateItem', TABLE)).toBe('not-allowed');
    expect(role.decide('dynamodb:PutItem', `${TABLE}-other`)).toBe('not-allowed');
    expect(role.decide('dynamodb:PutItem', `${TABLE}/index/byCorrelationId`)).toBe('not-allowed');
  });

  it('matches IAM wildcards: * any run of characters, ? exactly one; actions ignore case, resources do not', () => {
    const role = new PermissionEvaluator([
      allow(['dynamodb:Get*', 's3:*Object'], [`${TABLE}/index/*`, 'arn:aws:s3:::audit-?/*']),
    ]);
    expect(role.decide('dynamodb:GetItem', `${TABLE}/index/byObjectType`)).toBe('allowed');
    expect(role.decide('DynamoDB:getitem', `${TABLE}/index/byObjectType`)).toBe('allowed');
    expect(role.decide('dynamodb:GetItem', TABLE)).toBe('not-allowed');
    expect(role.decide('s3:GetObject', 'arn:aws:s3:::audit-1/2026/12/decision.json')).toBe('allowed');
    expect(role.decide('s3:PutObject', 'arn:aws:s3:::audit-2/a')).toBe('allowed');
    expect(role.decide('s3:PutObjectRetention', 'arn:aws:s3:::audit-2/a')).toBe('not-allowed');
    expect(role.decide('s3:GetObject', 'arn:aws:s3:::audit-12/a')).toBe('not-allowed');
    expect(role.decide('s3:GetObject', 'arn:aws:s3:::AUDIT-1/a')).toBe('not-allowed');
  });

  it('reads every other character of a pattern literally', () => {
    const role = new PermissionEvaluator([allow(['s3:GetObject'], ['arn:aws:s3:::audit.v1/(a|b)+'])]);
    expect(role.decide('s3:GetObject', 'arn:aws:s3:::audit.v1/(a|b)+')).toBe('allowed');
    expect(role.decide('s3:GetObject', 'arn:aws:s3:::auditXv1/a')).toBe('not-allowed');
    expect(role.decide('s3:GetObject', 'arn:aws:s3:::audit.v1/aab')).toBe('not-allowed');
  });

  it('lets an explicit Deny win over any Allow', () => {
    const role = new PermissionEvaluator([
      allow(['*'], ['*']),
      {
        effect: 'Deny',
        actions: ['s3:DeleteObject'],
        resources: ['arn:aws:s3:::audit/*'],
        conditional: false,
      },
    ]);
    expect(role.decide('s3:DeleteObject', 'arn:aws:s3:::audit/x')).toBe('explicitly-denied');
    expect(role.decide('s3:DeleteObject', 'arn:aws:s3:::scratch/x')).toBe('allowed');
  });

  it('reads NotAction and NotResource as everything but the listed ones', () => {
    const role = new PermissionEvaluator([
      { effect: 'Allow', notActions: ['events:*'], notResources: [TABLE], conditional: false },
    ]);
    expect(role.decide('dynamodb:PutItem', `${TABLE}-other`)).toBe('allowed');
    expect(role.decide('dynamodb:PutItem', TABLE)).toBe('not-allowed');
    expect(role.decide('events:PutEvents', '*')).toBe('not-allowed');
  });

  it('denies everything to a role without statements', () => {
    expect(new PermissionEvaluator([]).decide('secretsmanager:GetSecretValue', '*')).toBe('not-allowed');
  });
});
