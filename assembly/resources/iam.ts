/**
 * IAM: what each execution role allows, from the `AWS::IAM::Policy` resources attached to it
 * (`Roles`) and the role's own inline `Policies`, with every ARN resolved to its local value. The
 * local runtime enforces these on the functions' calls to the stand-ins (local/iam).
 */
import type { PermissionStatement } from '../model';
import { ofType, props, type ReaderInput } from './common';

/** The statements each role allows or denies, by the role's logical id. */
export function readRolePermissions(input: ReaderInput): Map<string, PermissionStatement[]> {
  const { resolver } = input;
  const byRole = new Map<string, PermissionStatement[]>();
  const add = (roleId: string, document: unknown) => {
    const statements = byRole.get(roleId) ?? [];
    statements.push(...statementsOf(resolver.value(document)));
    byRole.set(roleId, statements);
  };
  for (const [roleId, role] of ofType(input, 'AWS::IAM::Role')) {
    byRole.set(roleId, []);
    for (const policy of (props(role).Policies as { PolicyDocument?: unknown }[] | undefined) ?? [])
      add(roleId, policy.PolicyDocument);
  }
  for (const [, policy] of ofType(input, 'AWS::IAM::Policy')) {
    const p = props(policy);
    for (const role of (p.Roles as unknown[] | undefined) ?? []) {
      const roleId = (role as { Ref?: unknown }).Ref;
      if (typeof roleId === 'string') add(roleId, p.PolicyDocument);
    }
  }
  return byRole;
}

/** The logical id of the role a `Role` property names (`Fn::GetAtt [Role, Arn]` or `Ref`). */
export function roleLogicalIdOf(role: unknown): string | undefined {
  if (role === null || typeof role !== 'object') return undefined;
  const getAtt = (role as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  const ref = (role as { Ref?: unknown }).Ref;
  return typeof ref === 'string' ? ref : undefined;
}

function statementsOf(document: unknown): PermissionStatement[] {
  const raw = (document as { Statement?: unknown } | undefined)?.Statement;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return list.map((entry) => {
    const s = entry as Record<string, unknown>;
    return {
      effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
      ...(s.Action !== undefined ? { actions: strings(s.Action) } : {}),
      ...(s.NotAction !== undefined ? { notActions: strings(s.NotAction) } : {}),
      ...(s.Resource !== undefined ? { resources: strings(s.Resource) } : {}),
      ...(s.NotResource !== undefined ? { notResources: strings(s.NotResource) } : {}),
      conditional: s.Condition !== undefined,
    };
  });
}

function strings(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}
