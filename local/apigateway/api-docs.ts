/**
 * The OpenAPI document as a browsable page on the local API's own port (`<baseUrl>/_docs/`):
 * Swagger UI from the swagger-ui-dist package in node_modules (nothing from a CDN), over the
 * document generated from the route declarations with the local API as its server, so "Try it out"
 * calls the local API from the same origin (no CORS) with the token and API key one enters. Not an
 * AWS feature: the deployed API serves the document itself at GET /v1/openapi.json.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Where the page lives on the local API's port. */
export const API_DOCS_PATH = '/_docs';

const DIST = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** The files of swagger-ui-dist the page uses, with their content types. */
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Supplyline API (local)</title>
    <link rel="stylesheet" href="${API_DOCS_PATH}/swagger-ui.css" />
    <link rel="icon" href="${API_DOCS_PATH}/favicon-32x32.png" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${API_DOCS_PATH}/swagger-ui-bundle.js"></script>
    <script src="${API_DOCS_PATH}/start.js"></script>
  </body>
</html>
`;

const START = `window.ui = SwaggerUIBundle({
  url: '${API_DOCS_PATH}/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  displayOperationId: true,
});
`;

/** Answers a request under {@link API_DOCS_PATH}; false for any other path. */
export async function serveApiDocs(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  document: object,
): Promise<boolean> {
  if (path !== API_DOCS_PATH && !path.startsWith(`${API_DOCS_PATH}/`)) return false;
  const name = path.slice(API_DOCS_PATH.length + 1);
  const send = (status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  if (name === '' || name === 'index.html') send(200, 'text/html; charset=utf-8', PAGE);
  else if (name === 'start.js') send(200, 'text/javascript; charset=utf-8', START);
  else if (name === 'openapi.json') {
    // The local API as the only server: the page's requests go to the origin it was loaded from.
    const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
    send(200, 'application/json', JSON.stringify({ ...document, servers: [{ url: origin }] }));
  } else if (ASSETS[name]) send(200, ASSETS[name], await readFile(join(DIST, name)));
  else send(404, 'text/plain; charset=utf-8', 'not found');
  return true;
}
