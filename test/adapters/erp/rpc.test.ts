import { describe, expect, it } from 'vitest';
import { RpcErp } from '../../../adapters/erp/rpc/rpc-erp';
import { TransientFailure } from '../../../domain/failures';
import { ErpSimulatorServer } from '../../../local/simulators/erp/server';
import { erpContract } from './erp-contract';

// The same contract suite as Tryton and the in-process simulator: the wire keeps every behaviour.
erpContract('simulator over the ERP RPC protocol', async () => {
  const server = await ErpSimulatorServer.start();
  return { erp: new RpcErp(server.url), admin: server.simulator, close: () => server.close() };
});

describe('ERP RPC protocol', () => {
  it('turns injected outages and unreachable servers into transient failures', async () => {
    const server = await ErpSimulatorServer.start();
    const erp = new RpcErp(server.url);
    server.setFaults({ outage: true });
    await expect(erp.getItem('SKU-10442')).rejects.toBeInstanceOf(TransientFailure);
    server.setFaults({ outage: false });
    expect(await erp.getItem('SKU-10442')).toMatchObject({ itemCode: 'SKU-10442', active: true });
    await server.close();
    await expect(erp.getItem('SKU-10442')).rejects.toBeInstanceOf(TransientFailure);
  });

  it('starts no call the invocation could not wait for', async () => {
    const server = await ErpSimulatorServer.start();
    try {
      const erp = new RpcErp(server.url, { timeLeftMs: () => 50 });
      const error = await erp.getItem('SKU-10442').catch((e: unknown) => e as Error);
      expect(error).toBeInstanceOf(TransientFailure);
      expect((error as Error).message).toMatch(/ERP getItem: not started, the invocation has 50 ms left/);
    } finally {
      await server.close();
    }
  });
});
