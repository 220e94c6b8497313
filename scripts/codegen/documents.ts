/**
 * Documents generated from the schema source: JSON Schema files (schema registry, contract
 * snapshots, API Gateway request models), the OpenAPI 3.1 document and the human-readable
 * event catalog.
 */
import { GATEWAY_PROBLEMS, problemType } from '../../application/api-problems';
import { routeVersion } from '../../application/api-governance';
import { API_ROUTES, type ApiRouteContract, type ApiRouteDefinition } from '../../application/api-routes';
import { CODE_TABLES } from '../../canonical/codes/tables';
import type { Schema } from '../../canonical/schemas/dsl';
import { EVENT_CATALOG, eventSchemaName } from '../../canonical/schemas/events';
import { canonicalDefs, contractDocuments, schemaDocument } from '../../canonical/schemas/index';
import {
  planningWebhookSchemas,
  PLANNING_EVENTS,
  PLANNING_MAX_BODY_BYTES,
} from '../../adapters/planning/webhook-schemas';
import {
  procurementWebhookSchemas,
  PROCUREMENT_EVENTS,
  PROCUREMENT_MAX_BODY_BYTES,
} from '../../adapters/procurement/webhook-schemas';

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** `events/<type>.v<major>.json` and `api/<Body>.json`, self-contained 2020-12 documents. */
export function jsonSchemaFiles(): Record<string, string> {
  return Object.fromEntries(
    contractDocuments().map((doc) => [
      `json-schema/${doc.name}.json`,
      json(schemaDocument(doc.name, doc.root)),
    ]),
  );
}

/** Replaces `#/$defs/X` with `#/components/schemas/X` throughout a schema. */
function toComponentRefs(schema: Schema): Schema {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"#/components/schemas/')) as Schema;
}

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const jsonBody = (ref: string | string[], description: string) => ({
  description,
  content: {
    'application/json': {
      schema: Array.isArray(ref)
        ? { oneOf: ref.map((name) => ({ $ref: `#/components/schemas/${name}` })) }
        : { $ref: `#/components/schemas/${ref}` },
    },
  },
});

const header = (name: string, description: string, required = true) => ({
  name,
  in: 'header',
  required,
  description,
  schema: { type: 'string' },
});

/** What the HTTP API itself answers when the function fails (500) or times out (503). */
const httpApiError = {
  'application/json': {
    schema: {
      type: 'object',
      properties: { message: { type: 'string' } },
      required: ['message'],
      additionalProperties: false,
    },
  },
};

const webhookErrors = {
  '400': problemResponse('Malformed JSON or an unknown event type'),
  '401': problemResponse('Missing, malformed, expired or wrong signature'),
  '403': problemResponse('Not delivered through the webhook URL (urn:supplyline:problem:edge-bypass)'),
  '413': problemResponse('Body larger than the vendor limit'),
  '415': problemResponse('Not application/json'),
  '422': problemResponse('The payload breaks the vendor contract; every error is listed'),
  '429': problemResponse(
    'Over the webhook edge’s rate limit, where the environment has an edge (ADR 0007); the vendor retries',
  ),
  '500': { description: 'The HTTP API could not get an answer from the function', content: httpApiError },
  '503': {
    description: 'Could not accept durably right now, or the function timed out; the vendor retries',
    content: { ...problemResponse('').content, ...httpApiError },
  },
};

/**
 * A governed route's security requirement: a bearer access token holding one of the route's scopes
 * (application/api-routes.ts, ADR 0009) and the API key of a usage plan, for metering.
 */
function governedSecurity(route: ApiRouteDefinition): Record<string, string[]>[] {
  if (!route.scopes) throw new Error(`${route.method} ${route.path} is not a governed route`);
  return [{ accessToken: [...route.scopes], apiKey: [] }];
}

/** A problem+json answer whose `type` is one of the kinds' URIs (application/api-problems.ts). */
function typedProblemResponse(kinds: readonly string[], description: string): Record<string, unknown> {
  const types = kinds.map(problemType);
  return {
    description: `${description} (${types.join(', ')}: docs/problems.md)`,
    content: {
      'application/problem+json': {
        schema: {
          allOf: [{ $ref: '#/components/schemas/Problem' }, { properties: { type: { enum: types } } }],
        },
      },
    },
  };
}

/** Headers of a conditional read's answer (the system APIs, ADR 12). */
const FRESHNESS_HEADERS = {
  ETag: { description: 'Strong entity tag of the content', schema: { type: 'string' } },
  'Cache-Control': {
    description: 'private, max-age: what is left of the view’s freshness',
    schema: { type: 'string' },
  },
  'As-Of': { description: 'When the systems of record were read for it (UTC)', schema: { type: 'string' } },
  Age: { description: 'Seconds since As-Of', schema: { type: 'string' } },
};

/**
 * Every answer of a governed route that is not its 200, by status: the refusals API Gateway answers
 * itself (its gateway responses), what any handler answers when a dependency fails, then the route's
 * own problems, merged so each status lists every problem type it can carry.
 */
function governedProblems(route: ApiRouteDefinition, contract: ApiRouteContract): Record<string, unknown> {
  const byStatus = new Map<number, { kinds: string[]; descriptions: string[] }>();
  const add = (status: number, kinds: readonly string[], description: string) => {
    const entry = byStatus.get(status) ?? { kinds: [], descriptions: [] };
    for (const kind of kinds) if (!entry.kinds.includes(kind)) entry.kinds.push(kind);
    entry.descriptions.push(description);
    byStatus.set(status, entry);
  };
  for (const gateway of Object.values(GATEWAY_PROBLEMS)) {
    if (gateway.applies === 'none' || (gateway.applies === 'body' && !route.requestModel)) continue;
    // API Gateway answers a failed function with 502, its own failures with 500 (DEFAULT_5XX).
    for (const status of gateway.status === undefined ? [500, 502] : [gateway.status])
      add(status, [gateway.kind], gateway.title);
  }
  add(500, ['internal-error'], 'The request could not be completed');
  add(503, ['try-again'], 'A system we depend on is not answering; send it again after Retry-After');
  for (const [status, problem] of Object.entries(contract.problems))
    add(Number(status), problem.kinds, problem.description);
  return Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, entry]) => [
        String(status),
        typedProblemResponse(entry.kinds, entry.descriptions.join('; ')),
      ]),
  );
}

/** `Deprecation`, `Sunset` and `Link` answered by a deprecated route (functions/api/http.ts). */
const deprecationHeaders = {
  Deprecation: {
    description: 'RFC 9745: when the route was deprecated (`@<unix seconds>`)',
    schema: { type: 'string' },
  },
  Sunset: { description: 'RFC 8594: when the route goes away (HTTP-date)', schema: { type: 'string' } },
  Link: { description: 'The successor route (`rel="successor-version"`)', schema: { type: 'string' } },
};

/**
 * The success answer: a 202 says where its status is, a conditional read its freshness, a
 * deprecated route its deprecation.
 */
function successAnswer(
  ok: Record<string, unknown>,
  contract: ApiRouteContract,
  route: ApiRouteDefinition,
): Record<string, unknown> {
  const headers = {
    ...(contract.successStatus === 202
      ? { Location: { description: 'Where its status is', schema: { type: 'string' } } }
      : {}),
    ...(contract.conditional ? FRESHNESS_HEADERS : {}),
    ...(route.deprecation ? deprecationHeaders : {}),
  };
  return Object.keys(headers).length > 0 ? { ...ok, headers } : ok;
}

/**
 * The operations of the routes that declare their contract (application/api-routes.ts
 * `contract`): parameters from the parameters model, body from the request model, the 200 answer
 * from the response model, then every problem it can answer; version, owner, throttle and
 * deprecation from the declaration.
 */
function declaredOperations(routes: readonly ApiRouteDefinition[]): Record<string, Record<string, unknown>> {
  const describe = (name: string) => canonicalDefs[name]?.description ?? name;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const { contract } = route;
    if (!contract) continue;
    const model = contract.parametersModel ? canonicalDefs[contract.parametersModel] : undefined;
    const parameter = (name: string, where: 'path' | 'query') => {
      const schema = model?.properties?.[name];
      if (!schema) throw new Error(`${route.path}: ${contract.parametersModel ?? 'no model'} has no ${name}`);
      const { description, ...rest } = schema;
      return {
        name,
        in: where,
        required: where === 'path' || model?.required?.includes(name) === true,
        description,
        schema: rest,
      };
    };
    const parameters = [
      ...[...route.path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((match) => parameter(match[1]!, 'path')),
      ...(route.queryParameters ?? []).map((name) => parameter(name, 'query')),
      ...(contract.headers ?? []).map(({ name, required, description, maxLength }) => ({
        name,
        in: 'header',
        required,
        description,
        schema: { type: 'string', minLength: 1, maxLength },
      })),
      ...(contract.conditional
        ? [header('If-None-Match', 'An ETag the caller holds: 304 when current', false)]
        : []),
    ];
    const ok = jsonBody(contract.responseModel, describe(contract.responseModel));
    paths[route.path] = {
      ...paths[route.path],
      [route.method.toLowerCase()]: {
        operationId: contract.operationId,
        summary: contract.summary,
        'x-owner': contract.owner,
        'x-version': routeVersion(route),
        ...(route.throttle ? { 'x-throttle': route.throttle } : {}),
        ...(route.deprecation ? { deprecated: true, 'x-deprecation': route.deprecation } : {}),
        security: governedSecurity(route),
        ...(parameters.length > 0 ? { parameters } : {}),
        ...(route.requestModel
          ? { requestBody: { required: true, ...jsonBody(route.requestModel, describe(route.requestModel)) } }
          : {}),
        responses: {
          [String(contract.successStatus ?? 200)]: successAnswer(ok, contract, route),
          ...(contract.conditional
            ? {
                '304': {
                  description: 'If-None-Match matched: the caller’s copy is current',
                  headers: FRESHNESS_HEADERS,
                },
              }
            : {}),
          ...governedProblems(route, contract),
        },
      },
    };
  }
  return paths;
}

/** The OpenAPI 3.1 document of the HTTP API (webhooks and governed system APIs). */
export function openApiDocument(routes: readonly ApiRouteDefinition[] = API_ROUTES): Record<string, unknown> {
  const components: Record<string, Schema> = {};
  for (const [name, schema] of Object.entries({ ...planningWebhookSchemas, ...procurementWebhookSchemas })) {
    components[name] = toComponentRefs(schema);
  }
  for (const [name, schema] of Object.entries(canonicalDefs)) {
    if (!EVENT_CATALOG.some((event) => eventSchemaName(event) === name))
      components[name] = toComponentRefs(schema);
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Supplyline integration API',
      version: '1.0.0',
      description:
        'Webhooks from the planning and procurement platforms, and the governed system APIs of the ' +
        'Supplyline middleware. Errors are RFC 9457 problem details.',
    },
    servers: [
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com/{stage}',
        variables: { apiId: { default: 'api' }, region: { default: 'us-east-1' }, stage: { default: 'dev' } },
      },
    ],
    paths: {
      '/v1/webhooks/planning': {
        post: {
          operationId: 'receivePlanningWebhook',
          summary: 'Planning platform deliveries (forecast.exception, forecast.published)',
          description: `Signed with X-Planning-Signature (HMAC-SHA256 over "<t>.<raw body>", 300 s tolerance, two secrets during rotation). Body at most ${PLANNING_MAX_BODY_BYTES} bytes. Events: ${Object.keys(PLANNING_EVENTS).join(', ')}.`,
          parameters: [
            header('X-Planning-Event', Object.keys(PLANNING_EVENTS).join(' | ')),
            header('X-Planning-Delivery', 'Delivery UUID, reused by retries'),
            header('X-Planning-Signature', 't=<unix seconds>,v1=<hex>[,v1=<hex>]'),
          ],
          requestBody: { required: true, ...jsonBody(Object.values(PLANNING_EVENTS), 'The delivery') },
          responses: {
            '202': jsonBody(
              ['Accepted', 'Held'],
              'Durably accepted, recognised as a duplicate or stale version, or held',
            ),
            ...webhookErrors,
          },
        },
      },
      '/v1/webhooks/procurement': {
        post: {
          operationId: 'receiveProcurementWebhook',
          summary: 'Procurement platform deliveries',
          description: `Signed with X-Proc-Signature (sha256=HMAC-SHA256 over "<X-Proc-Timestamp>\\n<raw body>", 300 s tolerance). Body at most ${PROCUREMENT_MAX_BODY_BYTES} bytes. Events: ${Object.keys(PROCUREMENT_EVENTS).join(', ')}.`,
          parameters: [
            header('X-Proc-Event', Object.keys(PROCUREMENT_EVENTS).join(' | ')),
            header('X-Proc-Timestamp', 'ISO-8601 UTC signing time'),
            header('X-Proc-Signature', 'sha256=<hex>'),
          ],
          requestBody: { required: true, ...jsonBody(Object.values(PROCUREMENT_EVENTS), 'The delivery') },
          responses: {
            '202': jsonBody(
              ['Accepted', 'Held'],
              'Durably accepted, recognised as a duplicate or stale version, or held',
            ),
            ...webhookErrors,
          },
        },
      },
      ...declaredOperations(routes),
    },
    components: {
      schemas: components,
      securitySchemes: {
        accessToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'An OAuth 2.0 access token (JWT) of the environment’s OpenID Connect issuer for the supplyline audience: ' +
            'people by authorization code + PKCE, applications by client credentials (ADR 0009).',
        },
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description: 'Usage-plan key: metering only',
        },
      },
    },
  };
}

function typeLabel(schema: Schema): string {
  if (schema.$ref)
    return `[${schema.$ref.replace('#/$defs/', '')}](#${schema.$ref.replace('#/$defs/', '').toLowerCase()})`;
  if (schema.enum) return schema.enum.map((value) => `\`${String(value)}\``).join(' \\| ');
  if (schema.const !== undefined) return `\`${String(schema.const)}\``;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'any'];
  const base = types
    .map((type) => {
      if (type === 'array' && schema.items) return `${typeLabel(schema.items)}[]`;
      if (type === 'string' && schema.format) return `string (${schema.format})`;
      if (type === 'string' && schema.pattern?.includes('[0-9]{1,6}')) return 'decimal string';
      return type;
    })
    .join(' \\| ');
  return base;
}

/** The human-readable catalog: events, their envelope, objects and code tables. */
export function eventCatalogMarkdown(): string {
  const lines: string[] = [
    '# Supplyline canonical event catalog',
    '',
    '_Generated by `npm run generate` from canonical/schemas; do not edit by hand._',
    '',
    'Every event is published on the Supplyline EventBridge bus with `source` = `supplyline.<source>` and',
    '`detail-type` = the event type; `detail` is the envelope below with the object in `data`.',
    'Versioning and deprecation policy: [docs/contracts.md](../../docs/contracts.md).',
    '',
    '| event type | version | source | data | description |',
    '|---|---|---|---|---|',
  ];
  for (const event of EVENT_CATALOG as readonly {
    type: string;
    major: number;
    minor: number;
    source: string;
    data: string;
    description: string;
    sunset?: string;
  }[]) {
    const status = event.sunset ? ` **deprecated, sunset ${event.sunset}**` : '';
    lines.push(
      `| \`${event.type}\` | ${event.major}.${event.minor}${status} | ${event.source} | [${event.data}](#${event.data.toLowerCase()}) | ${event.description} |`,
    );
  }
  const envelope = canonicalDefs[eventSchemaName(EVENT_CATALOG[0])];
  lines.push('', '## Envelope', '', '| field | type | required | description |', '|---|---|---|---|');
  for (const [name, schema] of Object.entries(envelope?.properties ?? {})) {
    const label = name === 'data' ? 'the event’s object' : typeLabel(schema);
    const required = envelope?.required?.includes(name) ? 'yes' : 'no';
    lines.push(`| \`${name}\` | ${label} | ${required} | ${schema.description ?? ''} |`);
  }
  lines.push('', '## Objects');
  for (const [name, schema] of Object.entries(canonicalDefs)) {
    if (EVENT_CATALOG.some((event) => eventSchemaName(event) === name)) continue;
    lines.push(
      '',
      `### ${name}`,
      '',
      schema.description ?? '',
      '',
      '| field | type | required | description |',
      '|---|---|---|---|',
    );
    for (const [field, fieldSchema] of Object.entries(schema.properties ?? {})) {
      const required = schema.required?.includes(field) ? 'yes' : 'no';
      lines.push(
        `| \`${field}\` | ${typeLabel(fieldSchema)} | ${required} | ${fieldSchema.description ?? ''} |`,
      );
    }
  }
  lines.push(
    '',
    '## Code tables',
    '',
    'A system code not listed here is rejected as unmapped, never defaulted.',
  );
  for (const table of CODE_TABLES) {
    lines.push(
      '',
      `### ${table.name}`,
      '',
      `Canonical: ${table.canonical.map((code) => `\`${code}\``).join(', ')}`,
      '',
    );
    lines.push('| system | system code | canonical |', '|---|---|---|');
    for (const [system, mapping] of Object.entries(table.systems)) {
      for (const [code, canonical] of Object.entries(mapping ?? {}))
        lines.push(`| ${system} | \`${code}\` | \`${canonical}\` |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export { json as formatJson };
