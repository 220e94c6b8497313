import { describe, expect, it } from 'vitest';
import openApi from '../../canonical/generated/openapi.json';
import { EVENT_CATALOG } from '../../canonical/schemas/events';
import { resolve } from 'node:path';
import { API_MODELS, API_ROUTES } from '../../application/api-routes';
import { loadApiModels } from '../../lib/api-models';
import { toApiGatewaySchema } from '../../lib/constructs/supplyline-api';
import { generatedFiles, staleFiles } from '../../scripts/codegen/generate';

const ROOT = resolve(import.meta.dirname, '../..');

describe('generated artefacts', () => {
  it('are committed exactly as the schema source generates them (run npm run generate)', () => {
    expect(staleFiles()).toEqual([]);
  });

  it('include one JSON Schema document per event type and major version', () => {
    const files = Object.keys(generatedFiles());
    for (const event of EVENT_CATALOG) {
      expect(files).toContain(`canonical/generated/json-schema/events/${event.type}.v${event.major}.json`);
    }
  });

  it('describe every HTTP route in OpenAPI 3.1 with problem+json errors and resolvable references', () => {
    expect(openApi.openapi).toBe('3.1.0');
    expect(Object.keys(openApi.paths).sort()).toEqual([
      '/v1/approvals',
      '/v1/approvals/{approvalId}/decision',
      '/v1/commitments/{commitmentId}/approval-audit',
      '/v1/integration-exceptions',
      '/v1/integration-exceptions/{id}/resolve',
      '/v1/inventory-balances',
      '/v1/inventory-balances/{balanceId}',
      '/v1/items',
      '/v1/items/{itemCode}',
      '/v1/locations',
      '/v1/locations/{warehouseCode}',
      '/v1/openapi.json',
      '/v1/purchase-order-validations',
      '/v1/purchase-orders',
      '/v1/purchase-orders/{poId}',
      '/v1/purchase-orders/{poId}/sync',
      '/v1/purchase-requisitions',
      '/v1/purchase-requisitions/{requisitionId}',
      '/v1/purchase-requisitions/{requisitionId}/cancellation',
      '/v1/reconciliation-runs',
      '/v1/reconciliation-runs/{runId}',
      '/v1/suppliers',
      '/v1/suppliers/{supplierNumber}',
      '/v1/suppliers/{supplierNumber}/eligibility',
      '/v1/webhooks/planning',
      '/v1/webhooks/procurement',
    ]);
    const text = JSON.stringify(openApi);
    const refs = [...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]);
    const schemas = openApi.components.schemas as Record<string, unknown>;
    for (const ref of refs) expect(schemas, `unresolved $ref ${ref}`).toHaveProperty([ref as string]);
    expect(text).not.toContain('#/$defs/');
    // Work accepted to be done later answers 202, not 200.
    expect(Object.keys(openApi.paths['/v1/reconciliation-runs'].post.responses)).toContain('202');
    expect(Object.keys(openApi.paths['/v1/reconciliation-runs'].post.responses)).not.toContain('200');
    expect(openApi.paths['/v1/webhooks/planning'].post.responses['401'].content).toHaveProperty([
      'application/problem+json',
    ]);
  });

  it('require a bearer access token with the route’s scopes on every governed operation (API key for metering)', () => {
    const shape = (path: string) => path.replace(/\{[^}]+\}/g, '{}');
    const paths = openApi.paths as Record<string, Record<string, { security?: unknown; responses: object }>>;
    for (const route of API_ROUTES.filter((r) => r.access === 'identity')) {
      const [, operations] = Object.entries(paths).find(([path]) => shape(path) === shape(route.path))!;
      const operation = operations[route.method.toLowerCase()]!;
      expect(operation.security, `${route.method} ${route.path}`).toEqual([
        { accessToken: route.scopes, apiKey: [] },
      ]);
      expect(operation.responses).toHaveProperty(['401']);
    }
    expect(openApi.components.securitySchemes.accessToken).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('give API Gateway draft-04 request models without 2020-12-only keywords', () => {
    const models = loadApiModels(ROOT);
    expect(Object.keys(models).sort()).toEqual([...API_MODELS].sort());
    for (const schema of Object.values(models)) {
      const model = toApiGatewaySchema(schema) as Record<string, unknown>;
      expect(model.schema).toBe('http://json-schema.org/draft-04/schema#');
      expect(JSON.stringify(model)).not.toMatch(/"(const|\$defs|\$id|\$ref)"/);
    }
  });

  it('document every event type in the human-readable catalog', () => {
    const catalog = generatedFiles()['canonical/generated/event-catalog.md'] ?? '';
    for (const event of EVENT_CATALOG) expect(catalog).toContain(`\`${event.type}\``);
    expect(catalog).toContain('### supplier status');
  });
});
