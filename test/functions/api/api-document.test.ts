/** GET /v1/openapi.json serves the document generated from the route declarations, as documented. */
import { describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../../application/api-routes';
import { handler } from '../../../functions/api/api-document';
import { expectDocumentedAnswer } from '../../support/openapi';
import { apiEvent } from './support';

describe('GET /v1/openapi.json', () => {
  it('answers the generated OpenAPI 3.1 document with every declared route', async () => {
    const response = await handler({
      ...apiEvent({ path: '/v1/openapi.json' }),
      resource: '/v1/openapi.json',
    });
    const body = JSON.parse(response.body) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expectDocumentedAnswer('GET', '/v1/openapi.json', {
      status: response.statusCode,
      contentType: String(response.headers?.['content-type']),
      body,
    });
    expect(body.openapi).toBe('3.1.0');
    for (const route of API_ROUTES)
      expect(body.paths[route.path], route.path).toHaveProperty([route.method.toLowerCase()]);
    expect(response.headers).toMatchObject({ 'cache-control': 'private, max-age=300' });
  });
});
