/**
 * GET /v1/openapi.json: the OpenAPI 3.1 document of the Supplyline HTTP APIs, generated from the
 * route declarations (application/api-routes.ts) and bundled with the function, so the document
 * an API serves is always the one it was deployed with.
 */
import openApi from '../../canonical/generated/openapi.json';
import { json } from '../../adapters/webhooks/problem';
import { apiHandler } from './http';

export const handler = apiHandler('api-document', async () => {
  const answer = json(200, openApi);
  // Changes only with a deployment: callers may keep it for a few minutes.
  return { ...answer, headers: { ...answer.headers, 'cache-control': 'private, max-age=300' } };
});
