/**
 * Every route declares its whole contract once (application/api-routes.ts), and the OpenAPI
 * document is generated from those declarations: version, owner, throttle, deprecation, and per
 * status every documented problem type (application/api-problems.ts, docs/problems.md).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GATEWAY_PROBLEMS, PROBLEM_KINDS, problemType } from '../../application/api-problems';
import { API_ROUTES, type ApiRouteDefinition } from '../../application/api-routes';
import { deprecationHeaders, routeVersion } from '../../application/api-governance';
import { openApiDocument } from '../../scripts/codegen/documents';
import { ROOT } from '../../scripts/codegen/generate';

type Operation = {
  deprecated?: boolean;
  'x-version'?: string;
  'x-owner'?: string;
  'x-throttle'?: unknown;
  responses: Record<
    string,
    { headers?: Record<string, unknown>; content?: Record<string, { schema: unknown }> }
  >;
};
const operationOf = (document: Record<string, unknown>, route: ApiRouteDefinition) =>
  (document.paths as Record<string, Record<string, Operation>>)[route.path]?.[route.method.toLowerCase()];
const governed = API_ROUTES.filter((route) => route.access === 'identity');
const documented = new Set<string>([
  ...Object.keys(PROBLEM_KINDS).map(problemType),
  ...Object.values(GATEWAY_PROBLEMS).map((gateway) => problemType(gateway.kind)),
]);

describe('route declarations', () => {
  it('every governed route declares its whole contract, with a version its path agrees with', () => {
    for (const route of governed) {
      expect(route.contract, `${route.method} ${route.path}`).toBeDefined();
      const major = /^\/v([0-9]+)\//.exec(route.path)![1];
      expect(routeVersion(route).split('.')[0], route.path).toBe(major);
    }
  });

  it('every problem kind a route declares is documented', () => {
    const kinds = governed.flatMap((route) =>
      Object.values(route.contract!.problems).flatMap((p) => p.kinds),
    );
    expect(kinds.filter((kind) => !(kind in PROBLEM_KINDS))).toEqual([]);
  });

  it('every problem kind the handlers and the webhook intake answer is documented', () => {
    const sources: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts')) sources.push(readFileSync(path, 'utf8'));
      }
    };
    for (const folder of ['functions', 'adapters']) walk(join(ROOT, folder));
    const literal = sources.flatMap((text) =>
      [...text.matchAll(/problem\(\s*[0-9]{3},\s*'([a-z0-9-]+)'/g)].map((m) => m[1]!),
    );
    const typed = sources.flatMap((text) =>
      [...text.matchAll(/urn:supplyline:problem:([a-z0-9-]+)/g)].map((m) => m[1]!),
    );
    expect(literal.length).toBeGreaterThan(10);
    expect([...new Set([...literal, ...typed])].filter((kind) => !(kind in PROBLEM_KINDS))).toEqual([]);
  });
});

describe('the OpenAPI document generated from the declarations', () => {
  const document = openApiDocument();

  it('has every governed route with its owner and version, and no untyped problem', () => {
    for (const route of governed) {
      const operation = operationOf(document, route);
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(operation!['x-owner']).toBe(route.contract!.owner);
      expect(operation!['x-version']).toBe(routeVersion(route));
      for (const [status, response] of Object.entries(operation!.responses)) {
        // Successes and a conditional read's 304 carry no problem.
        if (status.startsWith('2') || status === '304') continue;
        const schema = JSON.stringify(response.content?.['application/problem+json']?.schema ?? {});
        const types = [...schema.matchAll(/"(urn:supplyline:problem:[a-z0-9-]+)"/g)].map((m) => m[1]!);
        expect(types.length, `${route.path} ${status} names its problem types`).toBeGreaterThan(0);
        expect(types.filter((type) => !documented.has(type))).toEqual([]);
      }
    }
  });

  it('documents the gateway’s own refusals on every governed operation (401, 403, 429, 413)', () => {
    for (const route of governed) {
      const responses = operationOf(document, route)!.responses;
      for (const [status, kind] of [
        ['401', 'access-token-invalid'],
        ['403', 'scope-missing'],
        ['403', 'api-key-invalid'],
        ['429', 'throttled'],
        ['413', 'request-too-large'],
      ] as const) {
        expect(JSON.stringify(responses[status]), `${route.path} ${status}`).toContain(problemType(kind));
      }
    }
  });

  it('marks a deprecated route deprecated, with its headers, and a declared throttle', () => {
    const [first, ...rest] = governed;
    const deprecated: ApiRouteDefinition = {
      ...first!,
      throttle: { rateLimit: 3, burstLimit: 6 },
      deprecation: {
        date: '2026-12-01',
        sunset: '2027-03-01',
        successor: '/v2/approvals/{approvalId}/decision',
      },
    };
    const operation = operationOf(openApiDocument([deprecated, ...rest]), deprecated)!;
    expect(operation.deprecated).toBe(true);
    expect(operation['x-throttle']).toEqual({ rateLimit: 3, burstLimit: 6 });
    expect(Object.keys(operation.responses['200']!.headers ?? {})).toEqual(['Deprecation', 'Sunset', 'Link']);
    expect(operationOf(document, first!)!.deprecated).toBeUndefined();
  });
});

describe('deprecation headers', () => {
  it('formats Deprecation as a structured-field date and Sunset as an HTTP-date', () => {
    expect(
      deprecationHeaders({
        ...governed[0]!,
        deprecation: { date: '2027-01-01', sunset: '2027-04-01', successor: '/v2/approvals' },
      }),
    ).toEqual({
      deprecation: '@1798761600',
      sunset: 'Thu, 01 Apr 2027 00:00:00 GMT',
      link: '</v2/approvals>; rel="successor-version"',
    });
    expect(deprecationHeaders(governed[0])).toEqual({});
  });
});
