import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErpSimulatorServer } from '../../../local/simulators/erp';

describe('ERP simulator server: routing', () => {
  let server: ErpSimulatorServer;
  beforeEach(async () => {
    server = await ErpSimulatorServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  const notFound = { error: { class: 'ContractViolation', message: 'not found' } };

  it('answers POST /rpc and nothing else', async () => {
    const call = { operation: 'getItem', args: ['SKU-10442'] };
    const ok = await fetch(`${server.url}/rpc`, { method: 'POST', body: JSON.stringify(call) });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { result: unknown }).result).toMatchObject({ itemCode: 'SKU-10442' });
    for (const [method, path] of [
      ['GET', '/rpc'],
      ['POST', '/rpc?x=1'],
      ['POST', '/rpc/'],
      ['POST', '/other'],
    ] as const) {
      const res = await fetch(`${server.url}${path}`, {
        method,
        ...(method === 'POST' ? { body: JSON.stringify(call) } : {}),
      });
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
      expect(await res.json()).toEqual(notFound);
    }
    expect(server.calls.map((c) => c.operation)).toEqual(['getItem']);
  });

  it('answers an unknown operation as a failure on the wire and records it as failed', async () => {
    const res = await fetch(`${server.url}/rpc`, {
      method: 'POST',
      body: JSON.stringify({ operation: 'dropDatabase', args: [] }),
    });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      'unknown operation',
    );
    expect(server.calls).toMatchObject([{ operation: 'dropDatabase', outcome: 'failed' }]);
  });
});
