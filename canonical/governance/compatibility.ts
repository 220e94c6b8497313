/**
 * Breaking-change detection between a released schema document and the current one.
 *
 * A change is breaking when a document valid under the released schema may be rejected under the
 * current one, or when a field a consumer reads may disappear: removed or renamed fields, narrowed
 * types or bounds, new required fields, removed enum values, changed constants or patterns.
 * Adding an optional field or an enum value, or widening a bound, is compatible (a minor version).
 */
import type { Schema } from '../schemas/dsl';

export interface BreakingChange {
  /** Where in the schema, as a JSON pointer into the data (`/data/lines/items/quantityEa`). */
  readonly path: string;
  readonly change: string;
}

type Defs = Record<string, Schema>;

function resolve(schema: Schema, defs: Defs): Schema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 32; hops++) {
    const target = defs[current.$ref.replace('#/$defs/', '')];
    if (!target) throw new Error(`unresolved reference ${current.$ref}`);
    current = target;
  }
  return current;
}

const typesOf = (schema: Schema): Set<string> =>
  new Set(schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type]);

/** Lists the breaking changes from `released` to `current` (both self-contained documents). */
export function findBreakingChanges(released: Schema, current: Schema): BreakingChange[] {
  const changes: BreakingChange[] = [];
  const releasedDefs = released.$defs ?? {};
  const currentDefs = current.$defs ?? {};
  const visiting = new Set<string>();

  const compare = (oldRaw: Schema, newRaw: Schema, path: string): void => {
    const key = `${path}|${oldRaw.$ref ?? ''}|${newRaw.$ref ?? ''}`;
    if (visiting.has(key)) return;
    visiting.add(key);
    const before = resolve(oldRaw, releasedDefs);
    const after = resolve(newRaw, currentDefs);
    const report = (change: string) => changes.push({ path: path || '/', change });

    const oldTypes = typesOf(before);
    const newTypes = typesOf(after);
    for (const type of oldTypes) {
      // integer values stay valid when widened to number, not the other way round.
      if (!newTypes.has(type) && !(type === 'integer' && newTypes.has('number'))) {
        report(`type ${type} no longer accepted (now ${[...newTypes].join('|') || 'any'})`);
      }
    }
    if (oldTypes.size === 0 && newTypes.size > 0) report(`type narrowed to ${[...newTypes].join('|')}`);

    if (after.enum) {
      const allowed = new Set(after.enum);
      if (!before.enum) report('enum added where any value was allowed');
      else
        for (const value of before.enum)
          if (!allowed.has(value)) report(`enum value ${JSON.stringify(value)} removed`);
    }
    if (after.const !== undefined && after.const !== before.const)
      report(`const changed to ${JSON.stringify(after.const)}`);
    if (after.pattern !== undefined && after.pattern !== before.pattern)
      report(`pattern changed to ${after.pattern}`);
    if (after.format !== undefined && after.format !== before.format)
      report(`format changed to ${after.format}`);

    const lowerBound = (name: 'minimum' | 'exclusiveMinimum' | 'minLength' | 'minItems') => {
      const next = after[name];
      const prev = before[name];
      if (next !== undefined && (prev === undefined || next > prev)) report(`${name} raised to ${next}`);
    };
    const upperBound = (name: 'maximum' | 'exclusiveMaximum' | 'maxLength' | 'maxItems') => {
      const next = after[name];
      const prev = before[name];
      if (next !== undefined && (prev === undefined || next < prev)) report(`${name} lowered to ${next}`);
    };
    lowerBound('minimum');
    lowerBound('exclusiveMinimum');
    lowerBound('minLength');
    lowerBound('minItems');
    upperBound('maximum');
    upperBound('exclusiveMaximum');
    upperBound('maxLength');
    upperBound('maxItems');

    const oldProps = before.properties ?? {};
    const newProps = after.properties ?? {};
    const oldRequired = new Set(before.required ?? []);
    for (const name of after.required ?? []) {
      if (!oldRequired.has(name)) report(`property ${name} is newly required`);
    }
    for (const [name, schema] of Object.entries(oldProps)) {
      const next = newProps[name];
      if (!next) report(`property ${name} removed`);
      else compare(schema, next, `${path}/${name}`);
    }
    if (after.additionalProperties === false && before.additionalProperties !== false) {
      report('additional properties no longer allowed');
    }
    if (before.items && after.items) compare(before.items, after.items, `${path}/items`);
    visiting.delete(key);
  };

  compare(released, current, '');
  return changes;
}

/**
 * Breaking changes of a document that describes an answer (an API response): its readers break when
 * a field they read disappears, or a value they handle changes type or meaning (the request rules
 * of {@link findBreakingChanges}), and also when the answer widens: a required field that may now
 * be absent, a new type (null included) or a new enum value. Adding an optional field, adding a
 * required one and narrowing a bound are compatible.
 */
export function findBreakingAnswerChanges(released: Schema, current: Schema): BreakingChange[] {
  const kept =
    /^(property \S+ removed|type \S+ no longer accepted|const changed|pattern changed|format changed)/;
  const narrowed = findBreakingChanges(released, current).filter((change) => kept.test(change.change));
  // The other direction: what the current answer may hold that a released reader did not expect.
  const widened = findBreakingChanges(current, released).flatMap((change): BreakingChange[] => {
    const text = change.change;
    const required = /^property (\S+) is newly required$/.exec(text);
    if (required) return [{ path: change.path, change: `property ${required[1]} may now be absent` }];
    const value = /^enum value (.+) removed$/.exec(text);
    if (value) return [{ path: change.path, change: `enum value ${value[1]} added to an answer` }];
    const type = /^type (\S+) no longer accepted/.exec(text);
    if (type) return [{ path: change.path, change: `type ${type[1]} added to an answer` }];
    return [];
  });
  return [...narrowed, ...widened];
}

export interface ReleasedContracts {
  /** Released documents by name (`events/<type>.v<major>`, `api/<Body>`). */
  readonly documents: Record<string, Schema>;
  /** Released `<major>.<minor>` of each document. */
  readonly versions: Record<string, string>;
}

export interface CurrentContract {
  readonly name: string;
  readonly document: Schema;
  /** `<major>.<minor>` now. */
  readonly version: string;
  /** Event type, to check that only the newest major of a type is undeprecated. */
  readonly eventType?: string;
  readonly major?: number;
  readonly sunset?: string;
  /** The document describes an answer (API response): checked by {@link findBreakingAnswerChanges}. */
  readonly answer?: boolean;
  /** An API operation's `<METHOD> <path>`: a released operation cannot move. */
  readonly route?: string;
}

/**
 * The compatibility gate: every released contract is still published, unchanged or changed
 * compatibly with a higher minor version; a breaking change needs a new major; when a type has
 * several majors, every older one is deprecated with a sunset date.
 */
export function checkCompatibility(
  released: ReleasedContracts,
  current: readonly CurrentContract[],
): string[] {
  const problems: string[] = [];
  const byName = new Map(current.map((contract) => [contract.name, contract]));
  for (const [name, releasedDocument] of Object.entries(released.documents)) {
    const now = byName.get(name);
    if (!now) {
      problems.push(
        `${name} was released and is no longer published: keep it, deprecated with a sunset date`,
      );
      continue;
    }
    const releasedRoute = (releasedDocument as { 'x-route'?: string })['x-route'];
    if (releasedRoute !== undefined && releasedRoute !== now.route) {
      problems.push(
        `${name} was released as ${releasedRoute} and is now ${now.route ?? 'no route'}: publish the new route under a new version and keep the old one, deprecated`,
      );
    }
    const breaking = (now.answer ? findBreakingAnswerChanges : findBreakingChanges)(
      releasedDocument,
      now.document,
    );
    for (const change of breaking) {
      problems.push(
        `${name}: breaking change at ${change.path}: ${change.change} (publish a new major version)`,
      );
    }
    const releasedVersion = released.versions[name];
    const changed = JSON.stringify(releasedDocument) !== JSON.stringify(now.document);
    if (
      changed &&
      breaking.length === 0 &&
      releasedVersion &&
      compareVersions(now.version, releasedVersion) <= 0
    ) {
      problems.push(
        `${name} changed compatibly but its version ${now.version} was not raised above ${releasedVersion}`,
      );
    }
  }
  const majorsByType = new Map<string, CurrentContract[]>();
  for (const contract of current) {
    if (!contract.eventType) continue;
    majorsByType.set(contract.eventType, [...(majorsByType.get(contract.eventType) ?? []), contract]);
  }
  for (const [type, contracts] of majorsByType) {
    const newest = Math.max(...contracts.map((contract) => contract.major ?? 0));
    for (const contract of contracts) {
      if (contract.major !== newest && !contract.sunset) {
        problems.push(
          `${type} v${contract.major} is superseded by v${newest} and must be deprecated with a sunset date`,
        );
      }
      if (contract.major === newest && contract.sunset && contracts.length > 1) {
        problems.push(`${type} v${newest} is the newest major and cannot be deprecated`);
      }
    }
  }
  return problems;
}

function compareVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}
