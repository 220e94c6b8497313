import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TrytonRpc, trytonDate, trytonDecimal } from '../../../adapters/erp/tryton/jsonrpc';
import { BusinessRejection, ContractViolation, TransientFailure } from '../../../domain/failures';

interface RpcRequest {
  id: number;
  method: string;
  params: unknown[];
  path: string;
  authorization: string | undefined;
}
type Handler = (request: RpcRequest, response: ServerResponse) => void;

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A local HTTP server that logs in anyone and hands model calls to `onCall`. */
async function fakeTryton(
  onCall: Handler,
  connection: { timeLeftMs?: () => number | undefined } = {},
): Promise<{ rpc: TrytonRpc; seen: RpcRequest[] }> {
  const seen: RpcRequest[] = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { id: number; method: string; params: unknown[] };
      const request = { ...parsed, path: req.url ?? '', authorization: req.headers.authorization };
      seen.push(request);
      const reply = (result: unknown) => {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ id: parsed.id, result }));
      };
      if (parsed.method === 'common.db.login') return reply([7, `session-${seen.length}`]);
      if (parsed.method === 'model.res.user.get_preferences') return reply({ company: 1, language: 'en' });
      onCall(request, res);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const rpc = new TrytonRpc({
    url: `http://127.0.0.1:${port}`,
    database: 'db1',
    user: 'admin',
    password: 'secret',
    timeoutMs: 300,
    ...connection,
  });
  return { rpc, seen };
}

const json = (res: ServerResponse, id: number, body: Record<string, unknown>) => {
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify({ id, ...body }));
};

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('TrytonRpc', () => {
  it('logs in once, sends the session header and the user context, and decodes Decimal and date', async () => {
    const { rpc, seen } = await fakeTryton((request, res) =>
      json(res, request.id, {
        result: [
          {
            id: 1,
            unit_price: { __class__: 'Decimal', decimal: '3.1000' },
            purchase_date: { __class__: 'date', year: 2026, month: 3, day: 7 },
          },
        ],
      }),
    );
    const rows = await rpc.read('purchase.purchase', [1], ['unit_price'], { active_test: false });
    await rpc.read('purchase.purchase', [1], ['unit_price']);
    expect(rows).toEqual([{ id: 1, unit_price: '3.1000', purchase_date: '2026-03-07' }]);
    expect(seen.map((r) => r.method)).toEqual([
      'common.db.login',
      'model.res.user.get_preferences',
      'model.purchase.purchase.read',
      'model.purchase.purchase.read',
    ]);
    const call = seen[2]!;
    expect(call.path).toBe('/db1/');
    expect(call.params).toEqual([[1], ['unit_price'], { company: 1, language: 'en', active_test: false }]);
    expect(call.authorization).toBe(`Session ${Buffer.from('admin:7:session-1').toString('base64')}`);
    expect(seen[0]!.params).toEqual(['admin', { password: 'secret' }, 'en']);
  });

  it('encodes decimals and dates the way Tryton expects, and refuses malformed ones', () => {
    expect(trytonDecimal('7.00')).toEqual({ __class__: 'Decimal', decimal: '7.00' });
    expect(trytonDate('2026-11-27')).toEqual({ __class__: 'date', year: 2026, month: 11, day: 27 });
    expect(() => trytonDecimal('7,00')).toThrow(ContractViolation);
    expect(() => trytonDate('27/11/2026')).toThrow(ContractViolation);
  });

  it('maps a UserError to a BusinessRejection with the message, not the huge domain extra', async () => {
    const extra = ['x'.repeat(20_000)];
    const { rpc } = await fakeTryton((request, res) =>
      json(res, request.id, {
        error: ['UserError', ['The value for field "Party" is not valid.', 'Check the party.', extra]],
      }),
    );
    const error = await failureOf(rpc.create('purchase.purchase', [{}]));
    expect(error).toBeInstanceOf(BusinessRejection);
    expect(error).toMatchObject({
      code: 'ERP_REJECTED',
      message: 'The value for field "Party" is not valid.',
      system: 'erp',
    });
    expect(JSON.stringify((error as BusinessRejection).details).length).toBeLessThan(1_000);
  });

  it('maps a ConcurrencyException to a TransientFailure', async () => {
    const { rpc } = await fakeTryton((request, res) =>
      json(res, request.id, { error: ['ConcurrencyException', 'Records were modified in the meanwhile'] }),
    );
    const error = await failureOf(rpc.write('purchase.purchase', [1], {}));
    expect(error).toBeInstanceOf(TransientFailure);
    expect(error.message).toContain('modified in the meanwhile');
  });

  it('maps the 403 HTML page of an unknown method to a ContractViolation', async () => {
    const { rpc } = await fakeTryton((_request, res) => {
      res.statusCode = 403;
      res.setHeader('Content-Type', 'text/html');
      res.end('<!doctype html><title>403 Forbidden</title><h1>Forbidden</h1>');
    });
    const error = await failureOf(rpc.call('model.purchase.purchase.no_such_method', []));
    expect(error).toBeInstanceOf(ContractViolation);
    expect((error as ContractViolation).details).toMatchObject({ status: 403 });
  });

  it('maps HTTP 500 to a TransientFailure and keeps the Retry-After of a 429', async () => {
    let status = 500;
    const { rpc } = await fakeTryton((_request, res) => {
      res.statusCode = status;
      if (status === 429) res.setHeader('Retry-After', '7');
      res.end('Internal Server Error');
    });
    expect(await failureOf(rpc.search('purchase.purchase', []))).toBeInstanceOf(TransientFailure);
    status = 429;
    const limited = await failureOf(rpc.search('purchase.purchase', []));
    expect(limited).toBeInstanceOf(TransientFailure);
    expect((limited as TransientFailure).retryAfterSeconds).toBe(7);
  });

  it('times out a call that does not answer, as a TransientFailure', async () => {
    const { rpc } = await fakeTryton(() => {
      // never answers
    });
    const started = Date.now();
    const error = await failureOf(rpc.search('purchase.purchase', []));
    expect(error).toBeInstanceOf(TransientFailure);
    expect(error.message).toMatch(/timed out after 300 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('cuts a call to what the invocation has left, and starts none when too little is left', async () => {
    let left = 150;
    const { rpc, seen } = await fakeTryton(
      () => {
        // never answers
      },
      { timeLeftMs: () => left },
    );
    const refused = await failureOf(rpc.search('purchase.purchase', []));
    expect(refused).toBeInstanceOf(TransientFailure);
    expect(refused.message).toMatch(/not started, the invocation has 150 ms left for erp calls/);
    expect(seen).toHaveLength(0);

    left = 260; // below the client's own 300 ms: the invocation's time wins
    const cut = await failureOf(rpc.search('purchase.purchase', []));
    expect(cut).toBeInstanceOf(TransientFailure);
    expect(cut.message).toMatch(/timed out after 260 ms/);
  });

  it('maps a refused connection to a TransientFailure', async () => {
    const { rpc } = await fakeTryton(() => undefined);
    server!.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    expect(await failureOf(rpc.search('purchase.purchase', []))).toBeInstanceOf(TransientFailure);
  });

  it('logs in again once when the session expired (HTTP 401), then succeeds', async () => {
    let expired = true;
    const { rpc, seen } = await fakeTryton((request, res) => {
      if (expired) {
        expired = false;
        res.statusCode = 401;
        return res.end();
      }
      json(res, request.id, { result: [42] });
    });
    await expect(rpc.search('purchase.purchase', [])).resolves.toEqual([42]);
    expect(seen.filter((r) => r.method === 'common.db.login')).toHaveLength(2);
  });

  it('maps an unexpected Python exception to a ContractViolation, a locked database to a TransientFailure', async () => {
    let message = "KeyError: 'nope'";
    const { rpc } = await fakeTryton((request, res) =>
      json(res, request.id, { error: [message, 'Traceback (most recent call last):\n  ...'] }),
    );
    expect(await failureOf(rpc.search('purchase.purchase', []))).toBeInstanceOf(ContractViolation);
    message = 'database is locked';
    expect(await failureOf(rpc.search('purchase.purchase', []))).toBeInstanceOf(TransientFailure);
  });

  it('treats a 200 answer that is not JSON-RPC as a ContractViolation', async () => {
    const { rpc } = await fakeTryton((_request, res) => res.end('<html>proxy login page</html>'));
    expect(await failureOf(rpc.search('purchase.purchase', []))).toBeInstanceOf(ContractViolation);
  });
});
