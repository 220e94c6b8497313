import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openForecastExport } from '../../../adapters/planning/export-source';
import { LocalScratchStorage } from '../../../adapters/planning/local-scratch';
import type { FsSnapshotStore } from '../../../adapters/planning/fs-snapshot-store';
import { ContractViolation, TransientFailure } from '../../../domain/failures';
import { ExportChecksumMismatch, syncForecastExport } from '../../../domain/forecast-sync';
import { csv, sha256, workspace } from '../../domain/forecast-sync/support';

type Route = (request: IncomingMessage, response: ServerResponse) => void;
let route: Route;
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => route(request, response));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});
beforeEach(() => {
  route = (_request, response) => response.end('unset');
});

const EXPORT = csv(['SKU-1,DC-1,2026-12-07,140,CS,12,7', 'SKU-2,DC-1,2026-12-07,3,EA,1,7']);

async function readAll(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

describe('openForecastExport', () => {
  it('streams the body: the first bytes arrive before the server has finished', async () => {
    // Prepare: the server holds the rest of the file until the client has read the first part.
    let sendRest!: () => void;
    const restAllowed = new Promise<void>((resolve) => (sendRest = resolve));
    let query = '';
    route = (request, response) => {
      query = new URL(request.url!, base).search;
      response.writeHead(200, { 'content-type': 'text/csv' });
      response.write(EXPORT.slice(0, 20));
      void restAllowed.then(() => response.end(EXPORT.slice(20)));
    };
    // Act
    const opened = await openForecastExport(`${base}/exports/p.csv?X-Amz-Signature=abc`, { allowHttp: true });
    const iterator = (opened.body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    const first = await iterator.next();
    sendRest();
    let text = (first.value as Buffer).toString();
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      text += next.value.toString();
    // Assess
    expect((first.value as Buffer).toString()).toBe(EXPORT.slice(0, 20));
    expect(text).toBe(EXPORT);
    expect(query).toBe('?X-Amz-Signature=abc');
  });

  it('answers a non-2xx status with a TransientFailure carrying Retry-After', async () => {
    route = (_request, response) => {
      response.writeHead(503, { 'retry-after': '7' });
      response.end('busy');
    };
    const failure = await openForecastExport(`${base}/x.csv?sig=secret`, { allowHttp: true }).catch((e) => e);
    expect(failure).toBeInstanceOf(TransientFailure);
    expect(failure).toMatchObject({ system: 'planning', retryAfterSeconds: 7 });
    expect(failure.message).toContain('HTTP 503');
    // The pre-signed query string is a credential: never in messages or logs.
    expect(failure.message).not.toContain('secret');
  });

  it.each([403, 404])('treats HTTP %i as transient too (a retry or the DLQ decides)', async (status) => {
    route = (_request, response) => {
      response.writeHead(status);
      response.end();
    };
    await expect(openForecastExport(`${base}/x.csv`, { allowHttp: true })).rejects.toBeInstanceOf(
      TransientFailure,
    );
  });

  it('fails transiently when the connection is cut before the declared Content-Length', async () => {
    route = (_request, response) => {
      response.writeHead(200, { 'content-length': String(EXPORT.length) });
      response.write(EXPORT.slice(0, 30));
      setTimeout(() => response.socket?.destroy(), 20);
    };
    const opened = await openForecastExport(`${base}/x.csv`, { allowHttp: true });
    await expect(readAll(opened.body)).rejects.toBeInstanceOf(TransientFailure);
  });

  it('fails transiently when the body stalls longer than the idle timeout', async () => {
    route = (_request, response) => {
      response.writeHead(200);
      response.write(EXPORT.slice(0, 10));
    };
    const opened = await openForecastExport(`${base}/x.csv`, { allowHttp: true, idleTimeoutMs: 100 });
    await expect(readAll(opened.body)).rejects.toThrow(/stalled for 100 ms/);
  });

  it('fails transiently when no answer comes before the headers timeout', async () => {
    route = () => undefined;
    await expect(
      openForecastExport(`${base}/x.csv`, { allowHttp: true, headersTimeoutMs: 100 }),
    ).rejects.toBeInstanceOf(TransientFailure);
  });

  it('refuses a non-https location unless http is allowed', async () => {
    await expect(openForecastExport(`${base}/x.csv`)).rejects.toBeInstanceOf(ContractViolation);
    await expect(openForecastExport('file:///etc/passwd', { allowHttp: true })).rejects.toBeInstanceOf(
      ContractViolation,
    );
  });

  it('lets the checksum catch a body that ends early without the transport noticing', async () => {
    // Prepare: chunked encoding, ended cleanly half way through the file.
    route = (_request, response) => {
      response.writeHead(200);
      response.end(EXPORT.slice(0, EXPORT.length - 12));
    };
    const space = workspace();
    try {
      const opened = await openForecastExport(`${base}/x.csv`, { allowHttp: true });
      const batches: unknown[] = [];
      // Act
      const run = syncForecastExport(
        { planId: 'P', version: 7, input: opened.body, expectedSha256: sha256(EXPORT) },
        {
          store: space.store,
          onBatch: async (batch) => void batches.push(batch),
          scratch: new LocalScratchStorage(space.dir),
        },
      );
      // Assess
      await expect(run).rejects.toBeInstanceOf(ExportChecksumMismatch);
      expect(batches).toEqual([]);
      expect(await (space.store as FsSnapshotStore).latest('P')).toBeUndefined();
    } finally {
      space.cleanup();
    }
  });
});
