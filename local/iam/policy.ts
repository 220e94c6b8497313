/**
 * Identity policy evaluation as IAM does it for one principal: a request is allowed when an Allow
 * statement matches its action and resource and no Deny statement does (an explicit Deny wins;
 * nothing matching is an implicit deny). Actions match case-insensitively, resources
 * case-sensitively, both with IAM's `*` and `?` wildcards. Conditions are not evaluated: a
 * statement with one applies as if it held (local/iam/README.md).
 */
import type { PermissionStatement } from '../../assembly';

/** The outcome of one check: IAM's three answers. */
export type Decision = 'allowed' | 'explicitly-denied' | 'not-allowed';

interface CompiledStatement {
  effect: 'Allow' | 'Deny';
  action: (action: string) => boolean;
  resource: (resource: string) => boolean;
}

/** One principal's statements, compiled once, evaluated per request. */
export class PermissionEvaluator {
  private readonly statements: CompiledStatement[];

  constructor(statements: readonly PermissionStatement[]) {
    this.statements = statements.map((s) => ({
      effect: s.effect,
      action: matcher(s.actions, s.notActions, 'i'),
      resource: matcher(s.resources, s.notResources, ''),
    }));
  }

  /** Whether `action` (`dynamodb:PutItem`) on `resource` (an ARN, or `*`) is allowed. */
  decide(action: string, resource: string): Decision {
    let allowed = false;
    for (const statement of this.statements) {
      if (!statement.action(action) || !statement.resource(resource)) continue;
      if (statement.effect === 'Deny') return 'explicitly-denied';
      allowed = true;
    }
    return allowed ? 'allowed' : 'not-allowed';
  }
}

/** A matcher for `Action`/`Resource` or their `Not` forms (a statement has one of the two). */
function matcher(
  patterns: readonly string[] | undefined,
  notPatterns: readonly string[] | undefined,
  flags: string,
): (value: string) => boolean {
  if (patterns) {
    const expression = anyOf(patterns, flags);
    return (value) => expression.test(value);
  }
  if (notPatterns) {
    const expression = anyOf(notPatterns, flags);
    return (value) => !expression.test(value);
  }
  return () => false;
}

/** One regular expression for a list of IAM wildcard patterns. */
function anyOf(patterns: readonly string[], flags: string): RegExp {
  const alternatives = patterns.map((pattern) =>
    pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
      .join(''),
  );
  return new RegExp(`^(?:${alternatives.join('|')})$`, `s${flags}`);
}
