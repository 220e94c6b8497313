/**
 * Matching an event against compiled event pattern branches (pattern.ts compiles them): the event
 * is flattened into leaves (dotted path -> scalar), each remembering which element of which array
 * it came from; a branch matches when every path has a leaf satisfying one alternative, all chosen
 * leaves coming from the same element of any shared array ("array-consistent" matching).
 */
import { parseIp, sameIpAddress, toMicros } from './pattern-values';

/** A leaf value of an event. */
export type Scalar = string | number | boolean | null;

/** One scalar of the flattened event, with the array elements it came from. */
export interface Leaf {
  path: string;
  value: Scalar;
  /** array instance id -> element index, for array-consistent matching */
  membership: ReadonlyMap<number, number>;
}

/** One compiled alternative for a field. */
export type Matcher =
  | { kind: 'exact'; value: Scalar; micros: bigint | undefined }
  | { kind: 'prefix'; value: string; ignoreCase: boolean }
  | { kind: 'suffix'; value: string; ignoreCase: boolean }
  | { kind: 'equals-ignore-case'; value: string }
  | { kind: 'wildcard'; regex: RegExp }
  | { kind: 'anything-but'; strings: string[]; numbers: bigint[]; rawNumbers: number[]; numeric: boolean }
  | { kind: 'anything-but-prefix'; values: string[] }
  | { kind: 'anything-but-suffix'; values: string[] }
  | { kind: 'anything-but-ignore-case'; values: string[] }
  | { kind: 'anything-but-wildcard'; regexes: RegExp[] }
  | { kind: 'numeric'; lower?: Bound; upper?: Bound }
  | { kind: 'cidr'; version: 4 | 6; low: bigint; high: bigint }
  | { kind: 'exists'; exists: boolean };

/** A bound of a numeric range, in millionths. */
export interface Bound {
  micros: bigint;
  inclusive: boolean;
}

/** One `$or` branch: dotted path -> the alternatives one leaf must satisfy. */
export type Branch = Map<string, Matcher[]>;

/** True when the event matches at least one branch. */
export function matchesAnyBranch(branches: readonly Branch[], event: Record<string, unknown>): boolean {
  const byPath = new Map<string, Leaf[]>();
  for (const leaf of flattenEvent(event)) {
    const list = byPath.get(leaf.path);
    if (list) list.push(leaf);
    else byPath.set(leaf.path, [leaf]);
  }
  return branches.some((branch) => branchMatches(branch, byPath));
}

function flattenEvent(event: Record<string, unknown>): Leaf[] {
  const leaves: Leaf[] = [];
  let nextArrayId = 0;
  const walk = (value: unknown, path: string, membership: ReadonlyMap<number, number>): void => {
    if (Array.isArray(value)) {
      const id = nextArrayId++;
      value.forEach((element, index) => walk(element, path, new Map(membership).set(id, index)));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        walk(child, path ? `${path}.${key}` : key, membership);
      }
    } else if (
      value === null ||
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean'
    ) {
      leaves.push({ path, value, membership });
    }
  };
  walk(event, '', new Map());
  return leaves;
}

interface FieldPlan {
  path: string;
  candidates: Leaf[];
  allowAbsent: boolean;
}

function branchMatches(branch: Branch, byPath: Map<string, Leaf[]>): boolean {
  const plans: FieldPlan[] = [];
  for (const [path, matchers] of branch) {
    const leaves = byPath.get(path) ?? [];
    const positive = matchers.filter((m) => !(m.kind === 'exists' && !m.exists));
    const candidates = leaves.filter((leaf) => positive.some((m) => valueMatches(m, leaf.value)));
    const allowAbsent = matchers.length !== positive.length;
    if (candidates.length === 0 && !allowAbsent) return false;
    plans.push({ path, candidates, allowAbsent });
  }
  // Positive constraints first, so absence is judged against the array elements already chosen.
  plans.sort((a, b) => Number(a.candidates.length === 0) - Number(b.candidates.length === 0));

  const search = (index: number, membership: ReadonlyMap<number, number>): boolean => {
    if (index === plans.length) return true;
    const plan = plans[index] as FieldPlan;
    for (const leaf of plan.candidates) {
      const merged = mergeMembership(membership, leaf.membership);
      if (merged && search(index + 1, merged)) return true;
    }
    if (plan.allowAbsent) {
      const present = (byPath.get(plan.path) ?? []).some((leaf) =>
        mergeMembership(membership, leaf.membership),
      );
      if (!present) return search(index + 1, membership);
    }
    return false;
  };
  return search(0, new Map());
}

function mergeMembership(
  a: ReadonlyMap<number, number>,
  b: ReadonlyMap<number, number>,
): ReadonlyMap<number, number> | undefined {
  if (b.size === 0) return a;
  if (a.size === 0) return b;
  const merged = new Map(a);
  for (const [array, index] of b) {
    const existing = merged.get(array);
    if (existing !== undefined && existing !== index) return undefined;
    merged.set(array, index);
  }
  return merged;
}

function valueMatches(m: Matcher, value: Scalar): boolean {
  switch (m.kind) {
    case 'exact':
      if (typeof m.value === 'number') {
        if (typeof value !== 'number') return false;
        if (value === m.value) return true;
        return m.micros !== undefined && toMicros(value) === m.micros;
      }
      if (typeof m.value === 'string' && typeof value === 'string') {
        return value === m.value || sameIpAddress(m.value, value);
      }
      return value === m.value;
    case 'prefix':
      if (typeof value !== 'string') return false;
      return m.ignoreCase ? fold(value).startsWith(fold(m.value)) : value.startsWith(m.value);
    case 'suffix':
      if (typeof value !== 'string') return false;
      return m.ignoreCase ? fold(value).endsWith(fold(m.value)) : value.endsWith(m.value);
    case 'equals-ignore-case':
      return typeof value === 'string' && fold(value) === fold(m.value);
    case 'wildcard':
      return typeof value === 'string' && m.regex.test(value);
    case 'anything-but':
      // Excluded values only exclude leaves of the same type; a leaf of another type matches.
      if (m.numeric) {
        if (typeof value !== 'number') return true;
        const micros = toMicros(value);
        return micros === undefined ? !m.rawNumbers.includes(value) : !m.numbers.includes(micros);
      }
      return typeof value !== 'string' || !m.strings.includes(value);
    case 'anything-but-prefix':
      return typeof value !== 'string' || !m.values.some((p) => value.startsWith(p));
    case 'anything-but-suffix':
      return typeof value !== 'string' || !m.values.some((s) => value.endsWith(s));
    case 'anything-but-ignore-case':
      return typeof value !== 'string' || !m.values.includes(fold(value));
    case 'anything-but-wildcard':
      return typeof value !== 'string' || !m.regexes.some((r) => r.test(value));
    case 'numeric': {
      if (typeof value !== 'number') return false;
      const micros = toMicros(value);
      if (micros === undefined) return false;
      if (m.lower && (m.lower.inclusive ? micros < m.lower.micros : micros <= m.lower.micros)) return false;
      if (m.upper && (m.upper.inclusive ? micros > m.upper.micros : micros >= m.upper.micros)) return false;
      return true;
    }
    case 'cidr': {
      if (typeof value !== 'string') return false;
      const ip = parseIp(value);
      return ip !== undefined && ip.version === m.version && ip.value >= m.low && ip.value <= m.high;
    }
    case 'exists':
      return m.exists;
  }
}

/** Case folding of `equals-ignore-case` and the `*-ignore-case` operators. */
export function fold(s: string): string {
  return s.toLowerCase();
}
