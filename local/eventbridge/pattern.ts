/**
 * EventBridge event pattern matching, following the documented semantics
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html and the
 * content-filtering / comparison-operator pages) and, where the docs are silent, the behaviour of
 * aws/event-ruler, the open-source matcher the service is built on.
 *
 * Model: the event is flattened into leaves (dotted path -> scalar), each leaf remembering which
 * element of which array it came from. A pattern compiles into one or more branches (`$or` forks),
 * each a map of dotted path -> list of alternatives. A branch matches when every path has a leaf
 * satisfying one alternative, all chosen leaves coming from the same element of any shared array
 * ("array-consistent" matching).
 *
 * This file validates and compiles patterns; pattern-match.ts matches events against the compiled
 * branches; pattern-values.ts compares numbers and IP addresses as event-ruler does.
 */
import { fold, matchesAnyBranch, type Branch, type Matcher } from './pattern-match';
import { parseIp, toMicros } from './pattern-values';

/** An event pattern as parsed JSON (or as the JSON text itself). */
export type EventPattern = Record<string, unknown>;

/** Keywords that cannot be field names inside a `$or` alternative (event-ruler's reserved names). */
const RESERVED_IN_OR = new Set([
  'anything-but',
  'prefix',
  'suffix',
  'numeric',
  'cidr',
  'exists',
  'equals-ignore-case',
  'wildcard',
]);

class PatternProblems {
  readonly problems: string[] = [];
  add(where: string, message: string): void {
    this.problems.push(where ? `${where}: ${message}` : message);
  }
}

/**
 * Returns the reasons EventBridge would reject this pattern (empty when valid). Accepts the parsed
 * pattern or its JSON text (with JSON text, a key given twice keeps its last value, as documented).
 */
export function validatePattern(pattern: unknown): string[] {
  const problems = new PatternProblems();
  const parsed = parsePatternInput(pattern, problems);
  if (parsed !== undefined) compileObject(parsed, '', [new Map()], problems, false);
  return problems.problems;
}

/** A pattern compiled once, to match many events. Throws when the pattern is invalid. */
export class CompiledPattern {
  private readonly branches: Branch[];

  constructor(pattern: EventPattern | string) {
    const problems = new PatternProblems();
    const parsed = parsePatternInput(pattern, problems);
    const branches = parsed === undefined ? [] : compileObject(parsed, '', [new Map()], problems, false);
    if (problems.problems.length > 0) {
      throw new InvalidEventPatternError(problems.problems);
    }
    this.branches = branches;
  }

  /** True when the event (the full envelope: source, detail-type, detail...) matches. */
  matches(event: unknown): boolean {
    if (event === null || typeof event !== 'object' || Array.isArray(event)) return false;
    return matchesAnyBranch(this.branches, event as Record<string, unknown>);
  }
}

/** Raised when a pattern is not valid; `problems` lists every reason found. */
export class InvalidEventPatternError extends Error {
  constructor(readonly problems: string[]) {
    super(`Event pattern is not valid. Reason: ${problems.join('; ')}`);
    this.name = 'InvalidEventPatternError';
  }
}

/** True when `event` matches `pattern`. Throws InvalidEventPatternError for an invalid pattern. */
export function matchesPattern(pattern: EventPattern | string, event: unknown): boolean {
  return new CompiledPattern(pattern).matches(event);
}

function parsePatternInput(pattern: unknown, problems: PatternProblems): Record<string, unknown> | undefined {
  let value = pattern;
  if (typeof pattern === 'string') {
    try {
      value = JSON.parse(pattern);
    } catch (err) {
      problems.add('', `Pattern is not valid JSON: ${(err as Error).message}`);
      return undefined;
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.add('', 'Filter is not an object');
    return undefined;
  }
  return value as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Compilation
// ---------------------------------------------------------------------------------------------

function compileObject(
  obj: Record<string, unknown>,
  prefix: string,
  branches: Branch[],
  problems: PatternProblems,
  insideOr: boolean,
): Branch[] {
  const keys = Object.keys(obj);
  if (keys.length === 0) {
    problems.add(prefix, 'Empty objects are not allowed');
    return branches;
  }
  let current = branches;
  for (const key of keys) {
    const value = obj[key];
    const path = prefix ? `${prefix}.${key}` : key;
    if (key === '$or') {
      current = compileOr(value, prefix, current, problems);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      problems.add(path, `${key} is a reserved field name which cannot be used inside $or`);
      continue;
    }
    if (Array.isArray(value)) {
      const matchers = compileValueList(value, path, problems);
      // A later duplicate of the same path overrides the earlier one (documented behaviour).
      for (const branch of current) branch.set(path, matchers);
    } else if (value !== null && typeof value === 'object') {
      current = compileObject(value as Record<string, unknown>, path, current, problems, insideOr);
    } else {
      problems.add(path, `"${key}" must be an object or an array`);
    }
  }
  return current;
}

function compileOr(value: unknown, prefix: string, branches: Branch[], problems: PatternProblems): Branch[] {
  const where = prefix ? `${prefix}.$or` : '$or';
  if (!Array.isArray(value)) {
    problems.add(where, 'It must be an Array followed with $or');
    return branches;
  }
  if (value.length < 2) {
    problems.add(where, 'There must be at least 2 Objects in $or relationship');
  }
  const result: Branch[] = [];
  for (const alternative of value) {
    if (alternative === null || typeof alternative !== 'object' || Array.isArray(alternative)) {
      problems.add(where, 'Only JSON object is allowed in array of $or relationship');
      continue;
    }
    const forked = branches.map((b) => new Map(b));
    result.push(...compileObject(alternative as Record<string, unknown>, prefix, forked, problems, true));
  }
  return result.length > 0 ? result : branches;
}

function compileValueList(values: unknown[], path: string, problems: PatternProblems): Matcher[] {
  if (values.length === 0) {
    problems.add(path, 'Empty arrays are not allowed');
    return [];
  }
  const matchers: Matcher[] = [];
  for (const value of values) {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') {
      matchers.push({ kind: 'exact', value, micros: undefined });
    } else if (typeof value === 'number') {
      // A number matches its literal form and, when representable, any numerically equal value.
      matchers.push({ kind: 'exact', value, micros: toMicros(value) });
    } else if (typeof value === 'object' && !Array.isArray(value)) {
      const matcher = compileOperator(value as Record<string, unknown>, path, problems);
      if (matcher) matchers.push(matcher);
    } else {
      problems.add(path, 'Match value must be String, number, true, false, or null');
    }
  }
  return matchers;
}

function compileOperator(
  expr: Record<string, unknown>,
  path: string,
  problems: PatternProblems,
): Matcher | undefined {
  const keys = Object.keys(expr);
  if (keys.length === 0) {
    problems.add(path, 'Match expression name not found');
    return undefined;
  }
  if (keys.length > 1) {
    problems.add(path, 'Only one key allowed in match expression');
    return undefined;
  }
  const op = keys[0] as string;
  const arg = expr[op];
  switch (op) {
    case 'prefix':
    case 'suffix': {
      if (typeof arg === 'string') return { kind: op, value: arg, ignoreCase: false };
      const ignoreCase = singleKey(arg, 'equals-ignore-case');
      if (ignoreCase !== undefined) {
        if (typeof ignoreCase === 'string') return { kind: op, value: ignoreCase, ignoreCase: true };
        problems.add(path, 'equals-ignore-case match pattern must be a string');
        return undefined;
      }
      problems.add(path, `${op} match pattern must be a string or { "equals-ignore-case": string }`);
      return undefined;
    }
    case 'equals-ignore-case':
      if (typeof arg === 'string') return { kind: 'equals-ignore-case', value: arg };
      problems.add(path, 'equals-ignore-case match pattern must be a string');
      return undefined;
    case 'wildcard': {
      if (typeof arg !== 'string') {
        problems.add(path, 'wildcard match pattern must be a string');
        return undefined;
      }
      const regex = compileWildcard(arg, path, problems);
      return regex ? { kind: 'wildcard', regex } : undefined;
    }
    case 'anything-but':
      return compileAnythingBut(arg, path, problems);
    case 'numeric':
      return compileNumeric(arg, path, problems);
    case 'cidr': {
      if (typeof arg !== 'string') {
        problems.add(path, 'cidr match pattern must be a string');
        return undefined;
      }
      return compileCidr(arg, path, problems);
    }
    case 'exists':
      if (typeof arg === 'boolean') return { kind: 'exists', exists: arg };
      problems.add(path, 'exists match pattern must be either true or false');
      return undefined;
    default:
      problems.add(path, `Unrecognized match type ${op}`);
      return undefined;
  }
}

function singleKey(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === key ? (value as Record<string, unknown>)[key] : undefined;
}

function compileAnythingBut(arg: unknown, path: string, problems: PatternProblems): Matcher | undefined {
  if (arg !== null && typeof arg === 'object' && !Array.isArray(arg)) {
    const keys = Object.keys(arg);
    if (keys.length !== 1) {
      problems.add(path, 'Anything-but expression must have exactly one operator');
      return undefined;
    }
    const op = keys[0] as string;
    const inner = (arg as Record<string, unknown>)[op];
    const list = Array.isArray(inner) ? inner : [inner];
    if (list.length === 0) {
      problems.add(path, 'Empty arrays are not allowed');
      return undefined;
    }
    if (!list.every((v): v is string => typeof v === 'string')) {
      problems.add(path, `anything-but ${op} values must be strings`);
      return undefined;
    }
    switch (op) {
      case 'prefix':
      case 'suffix':
        if (list.some((v) => v === '')) {
          problems.add(path, 'Null prefix/suffix not allowed');
          return undefined;
        }
        return op === 'prefix'
          ? { kind: 'anything-but-prefix', values: list }
          : { kind: 'anything-but-suffix', values: list };
      case 'equals-ignore-case':
        return { kind: 'anything-but-ignore-case', values: list.map(fold) };
      case 'wildcard': {
        const regexes = list.map((v) => compileWildcard(v, path, problems));
        return regexes.every((r): r is RegExp => r !== undefined)
          ? { kind: 'anything-but-wildcard', regexes }
          : undefined;
      }
      default:
        problems.add(path, `Unsupported anything-but pattern: ${op}`);
        return undefined;
    }
  }
  const list = Array.isArray(arg) ? arg : [arg];
  if (list.length === 0) {
    problems.add(path, 'Empty arrays are not allowed');
    return undefined;
  }
  const strings = list.filter((v): v is string => typeof v === 'string');
  const rawNumbers = list.filter((v): v is number => typeof v === 'number');
  if (strings.length + rawNumbers.length !== list.length) {
    problems.add(path, 'Inside anything-but list, start|null|boolean is not supported');
    return undefined;
  }
  if (strings.length > 0 && rawNumbers.length > 0) {
    problems.add(
      path,
      'Inside anything-but list, either all values are number or string, mixed type is not supported',
    );
    return undefined;
  }
  const numbers: bigint[] = [];
  for (const n of rawNumbers) {
    const micros = checkedMicros(n, path, problems);
    if (micros === undefined) return undefined;
    numbers.push(micros);
  }
  return { kind: 'anything-but', strings, numbers, rawNumbers, numeric: rawNumbers.length > 0 };
}

function compileNumeric(arg: unknown, path: string, problems: PatternProblems): Matcher | undefined {
  if (!Array.isArray(arg)) {
    problems.add(path, 'Value of numeric must be an array');
    return undefined;
  }
  const [op1, v1, op2, v2, ...rest] = arg as unknown[];
  if (typeof op1 !== 'string') {
    problems.add(path, `Invalid member in numeric match: ${JSON.stringify(op1)}`);
    return undefined;
  }
  if (typeof v1 !== 'number') {
    problems.add(path, `Value of ${op1} must be numeric`);
    return undefined;
  }
  const first = checkedMicros(v1, path, problems);
  if (first === undefined) return undefined;
  const single = arg.length === 2;
  switch (op1) {
    case '=':
      if (!single) break;
      return {
        kind: 'numeric',
        lower: { micros: first, inclusive: true },
        upper: { micros: first, inclusive: true },
      };
    case '<':
    case '<=':
      if (!single) break;
      return { kind: 'numeric', upper: { micros: first, inclusive: op1 === '<=' } };
    case '>':
    case '>=': {
      const lower = { micros: first, inclusive: op1 === '>=' };
      if (single) return { kind: 'numeric', lower };
      if (rest.length > 0) break;
      if (op2 !== '<' && op2 !== '<=') {
        problems.add(path, `Bad numeric range operator: ${JSON.stringify(op2)}`);
        return undefined;
      }
      if (typeof v2 !== 'number') {
        problems.add(path, `Value of ${op2} must be numeric`);
        return undefined;
      }
      const top = checkedMicros(v2, path, problems);
      if (top === undefined) return undefined;
      if (top <= first) {
        problems.add(path, 'Bottom must be less than top');
        return undefined;
      }
      return { kind: 'numeric', lower, upper: { micros: top, inclusive: op2 === '<=' } };
    }
    default:
      problems.add(path, `Unrecognized numeric range operator: ${op1}`);
      return undefined;
  }
  problems.add(path, 'Too many elements in numeric expression');
  return undefined;
}

function checkedMicros(n: number, path: string, problems: PatternProblems): bigint | undefined {
  const micros = toMicros(n);
  if (micros === undefined) {
    problems.add(
      path,
      `Numeric value ${n} must be between -5000000000 and 5000000000 inclusive, with at most 6 decimals`,
    );
  }
  return micros;
}

/** Escapes: `\*` is a literal asterisk, `\\` a literal backslash; `**` and other escapes are invalid. */
function compileWildcard(source: string, path: string, problems: PatternProblems): RegExp | undefined {
  let regex = '^';
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] as string;
    if (ch === '*') {
      if (source[i + 1] === '*') {
        problems.add(path, `Consecutive wildcard characters at pos ${i}`);
        return undefined;
      }
      regex += '[\\s\\S]*';
    } else if (ch === '\\') {
      const next = source[i + 1];
      if (next !== '*' && next !== '\\') {
        problems.add(path, `Invalid escape character at pos ${i}`);
        return undefined;
      }
      regex += `\\${next}`;
      i++;
    } else {
      regex += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`${regex}$`, 'u');
}

function compileCidr(source: string, path: string, problems: PatternProblems): Matcher | undefined {
  const parts = source.split('/');
  if (parts.length !== 2) {
    problems.add(path, "Malformed CIDR, one '/' required");
    return undefined;
  }
  const [address, bitsText] = parts as [string, string];
  if (!/^\d+$/.test(bitsText)) {
    problems.add(path, 'Malformed CIDR, mask bits must be a non-negative integer');
    return undefined;
  }
  const ip = parseIp(address);
  if (!ip) {
    problems.add(path, `Invalid IP address: ${address}`);
    return undefined;
  }
  const bits = Number(bitsText);
  const width = ip.version === 4 ? 32 : 128;
  // event-ruler rejects /32 (IPv4) and /128 (IPv6); a single address is matched with an exact value.
  if (bits >= width) {
    problems.add(path, `IPv${ip.version} mask bits must be < ${width}`);
    return undefined;
  }
  const hostBits = BigInt(width - bits);
  const hostMask = (1n << hostBits) - 1n;
  // Like event-ruler, the range starts at the address as written (not the masked network address).
  return { kind: 'cidr', version: ip.version, low: ip.value, high: ip.value | hostMask };
}
