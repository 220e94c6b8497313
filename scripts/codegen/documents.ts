/**
 * Documents generated from the schema source: JSON Schema files (schema registry, contract
 * snapshots, API Gateway request models), the OpenAPI 3.1 document and the human-readable
 * event catalog.
 */
import { API_ROUTES, type ApiProblem } from '../../application/api-routes';
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

const pathId = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string', minLength: 1, maxLength: 200 },
});

const webhookErrors = {
  '400': problemResponse('Malformed JSON or an unknown event type'),
  '401': problemResponse('Missing, malformed, expired or wrong signature'),
  '413': problemResponse('Body larger than the vendor limit'),
  '415': problemResponse('Not application/json'),
  '422': problemResponse('The payload breaks the vendor contract; every error is listed'),
  '503': problemResponse('Could not accept durably right now; the vendor retries'),
};

const governedErrors = {
  '400': problemResponse('Malformed request'),
  '401': problemResponse(
    'Access token missing or invalid (expired, wrong issuer or audience, not an access token)',
  ),
  '403': problemResponse('The token lacks the route’s scope, or the API key is missing or invalid'),
  '404': problemResponse('No such object'),
  '429': problemResponse('Throttled'),
};

/** The query parameters of a cursor-paginated list. */
const pageParameters = [
  { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100 } },
  { name: 'cursor', in: 'query', required: false, schema: { type: 'string' } },
];

/** A page of `schema` items with the cursor of the next page. */
function listOf(schema: string, description: string): Record<string, unknown> {
  return {
    description,
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: {
            items: { type: 'array', items: { $ref: `#/components/schemas/${schema}` } },
            nextCursor: { type: 'string' },
          },
          required: ['items'],
        },
      },
    },
  };
}

/**
 * A governed route's security requirement: a bearer access token holding one of the route's scopes
 * (application/api-routes.ts, ADR 0009) and the API key of a usage plan, for metering.
 */
function governedSecurity(path: string, method: 'GET' | 'POST'): Record<string, string[]>[] {
  const shape = (p: string) => p.replace(/\{[^}]+\}/g, '{}');
  const route = API_ROUTES.find((r) => r.method === method && shape(r.path) === shape(path));
  if (!route?.scopes)
    throw new Error(`${method} ${path} is not a governed route of application/api-routes.ts`);
  return [{ accessToken: [...route.scopes], apiKey: [] }];
}

/** A problem+json answer whose `type` is one of the kinds' URIs (adapters/webhooks/problem.ts). */
function typedProblemResponse(problem: ApiProblem): Record<string, unknown> {
  const types = problem.kinds.map((kind) => `urn:supplyline:problem:${kind}`);
  return {
    description: `${problem.description} (${types.join(', ')})`,
    content: {
      'application/problem+json': {
        schema: {
          allOf: [{ $ref: '#/components/schemas/Problem' }, { properties: { type: { enum: types } } }],
        },
      },
    },
  };
}

/**
 * The operations of the routes that declare their contract (application/api-routes.ts
 * `contract`): parameters from the parameters model, body from the request model, the 200 answer
 * from the response model, the handler's own problems, then the governed API's refusals.
 */
function declaredOperations(): Record<string, Record<string, unknown>> {
  const describe = (name: string) => canonicalDefs[name]?.description ?? name;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) {
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
    ];
    const { '404': _notFound, ...refusals } = governedErrors;
    paths[route.path] = {
      ...paths[route.path],
      [route.method.toLowerCase()]: {
        operationId: contract.operationId,
        summary: contract.summary,
        'x-owner': contract.owner,
        security: governedSecurity(route.path, route.method),
        ...(parameters.length > 0 ? { parameters } : {}),
        ...(route.requestModel
          ? { requestBody: { required: true, ...jsonBody(route.requestModel, describe(route.requestModel)) } }
          : {}),
        responses: {
          [String(contract.successStatus ?? 200)]: jsonBody(
            contract.responseModel,
            describe(contract.responseModel),
          ),
          ...refusals,
          ...Object.fromEntries(
            Object.entries(contract.problems).map(([status, problem]) => [
              status,
              typedProblemResponse(problem),
            ]),
          ),
        },
      },
    };
  }
  return paths;
}

/** The OpenAPI 3.1 document of the HTTP API (webhooks and governed system APIs). */
export function openApiDocument(): Record<string, unknown> {
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
            '202': jsonBody('Accepted', 'Durably accepted, or recognised as a duplicate or stale version'),
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
            '202': jsonBody('Accepted', 'Durably accepted, or recognised as a duplicate or stale version'),
            ...webhookErrors,
          },
        },
      },
      '/v1/approvals/{approvalId}/decision': {
        post: {
          operationId: 'decideApproval',
          summary: 'Approve or reject a commitment waiting for approval',
          security: governedSecurity('/v1/approvals/{approvalId}/decision', 'POST'),
          description:
            'The approver is the verified caller (the access token subject); a body `approver` is ignored. ' +
            'The same person sending the same decision again gets 200 with the first decision.',
          parameters: [pathId('approvalId', 'Approval id from purchase-order.approval-requested')],
          requestBody: { required: true, ...jsonBody('ApprovalDecision', 'The decision') },
          responses: {
            '200': jsonBody('ApprovalRequest', 'Decision recorded (in `decision`); the workflow resumes'),
            '409': problemResponse('Already decided by someone else, or expired'),
            '422': problemResponse('Invalid decision (a rejection needs a reason)'),
            ...governedErrors,
            '403': problemResponse(
              'Refused by a rule, named in the problem type (urn:supplyline:problem:<rule>): person-required, ' +
                'approver-role, separation-of-duties, approval-limit; the commitment keeps waiting',
            ),
          },
        },
      },
      '/v1/approvals': {
        get: {
          operationId: 'listPendingApprovals',
          summary: 'Approvals waiting that the caller may decide, soonest deadline first',
          security: governedSecurity('/v1/approvals', 'GET'),
          parameters: [
            { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ['pending'] } },
            ...pageParameters,
          ],
          responses: {
            '200': listOf(
              'ApprovalRequest',
              'The approvals (a page may hold fewer than limit: follow nextCursor)',
            ),
            ...governedErrors,
          },
        },
      },
      '/v1/commitments/{commitmentId}/approval-audit': {
        get: {
          operationId: 'listApprovalAudit',
          summary: 'Every decision on a commitment, oldest first, from the write-once audit trail',
          security: governedSecurity('/v1/commitments/{commitmentId}/approval-audit', 'GET'),
          parameters: [
            pathId('commitmentId', 'The commitment (its purchase order external reference)'),
            ...pageParameters,
          ],
          responses: {
            '200': listOf('ApprovalDecisionRecord', 'The decisions'),
            ...governedErrors,
          },
        },
      },
      '/v1/purchase-orders/{poId}/sync': {
        get: {
          operationId: 'getPurchaseOrderSyncStatus',
          summary: "A purchase order's state in each system, the lag between them and its history",
          security: governedSecurity('/v1/purchase-orders/{poId}/sync', 'GET'),
          parameters: [pathId('poId', 'External reference or procurement PO number')],
          responses: { '200': jsonBody('SyncStatus', 'Sync status'), ...governedErrors },
        },
      },
      '/v1/integration-exceptions': {
        get: {
          operationId: 'listIntegrationExceptions',
          summary: 'Integration exceptions, open ones first, with their age',
          security: governedSecurity('/v1/integration-exceptions', 'GET'),
          parameters: [
            {
              name: 'status',
              in: 'query',
              required: false,
              schema: { type: 'string', enum: ['OPEN', 'RESOLVED'] },
            },
          ],
          responses: {
            '200': {
              description: 'The exceptions',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      items: { type: 'array', items: { $ref: '#/components/schemas/IntegrationException' } },
                    },
                    required: ['items'],
                  },
                },
              },
            },
            ...governedErrors,
          },
        },
      },
      '/v1/integration-exceptions/{exceptionId}/resolve': {
        post: {
          operationId: 'resolveIntegrationException',
          summary: 'Resolve an integration exception with a reason',
          security: governedSecurity('/v1/integration-exceptions/{exceptionId}/resolve', 'POST'),
          parameters: [pathId('exceptionId', 'Integration exception id')],
          requestBody: {
            required: true,
            ...jsonBody('ExceptionResolution', 'Why; the resolver recorded is the verified caller'),
          },
          responses: {
            '200': jsonBody('IntegrationException', 'The resolved exception'),
            '409': problemResponse('Already resolved'),
            '422': problemResponse('Invalid resolution'),
            ...governedErrors,
          },
        },
      },
      ...declaredOperations(),
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
