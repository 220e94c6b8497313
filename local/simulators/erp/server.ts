/**
 * The embedded ERP simulator served over the ERP RPC protocol (adapters/erp/rpc), so Lambda
 * functions running in the local runtime reach it by URL like any ERP. Admin operations (receive a
 * shipment, count orders) and fault injection are available to tests and the demo.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../http/server';
import { ErpSimulator, type ErpSimulatorOptions } from './erp-simulator';
import { ERP_OPERATIONS, toWireFailure, type ErpOperation } from '../../../adapters/erp/rpc/rpc-erp';
import { TransientFailure } from '../../../domain/failures';

export interface ErpFaultSettings {
  /** Share (0..1) of calls answered with a transient failure (HTTP 503). */
  errorRate: number;
  /** Added to every call. */
  latencyMs: number;
  /** While true every call fails transiently. */
  outage: boolean;
}

export class ErpSimulatorServer {
  readonly simulator: ErpSimulator;
  readonly calls: { operation: string; at: Date; outcome: 'ok' | 'failed' }[] = [];
  private faults: ErpFaultSettings = { errorRate: 0, latencyMs: 0, outage: false };

  private constructor(
    private readonly server: Server,
    readonly url: string,
    simulator: ErpSimulator,
  ) {
    this.simulator = simulator;
  }

  static async start(
    options: ErpSimulatorOptions & { port?: number; random?: () => number } = {},
  ): Promise<ErpSimulatorServer> {
    const random = options.random ?? Math.random;
    const state: { server?: ErpSimulatorServer } = {};
    const simulator = new ErpSimulator({
      ...options,
      faults: {
        beforeCall: async () => {
          const faults = state.server!.faults;
          if (faults.latencyMs) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
          if (faults.outage || random() < faults.errorRate)
            throw new TransientFailure('ERP simulator: injected failure', 'erp');
        },
      },
    });
    const server = createServer((request, response) => {
      void (async () => {
        let operation = 'unknown';
        try {
          if (request.method !== 'POST' || request.url !== '/rpc') {
            response
              .writeHead(404, { 'content-type': 'application/json' })
              .end('{"error":{"class":"ContractViolation","message":"not found"}}');
            return;
          }
          const body = JSON.parse((await readBody(request)).toString('utf8')) as {
            operation: string;
            args: unknown[];
          };
          operation = body.operation;
          if (!(ERP_OPERATIONS as readonly string[]).includes(operation))
            throw new Error(`unknown operation ${operation}`);
          const method = simulator[operation as ErpOperation] as (...args: unknown[]) => Promise<unknown>;
          const result = await method.apply(simulator, Array.isArray(body.args) ? body.args : []);
          state.server!.calls.push({ operation, at: new Date(), outcome: 'ok' });
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result }));
        } catch (error) {
          state.server!.calls.push({ operation, at: new Date(), outcome: 'failed' });
          const failure = toWireFailure(error);
          response
            .writeHead(failure.class === 'TransientFailure' ? 503 : 200, {
              'content-type': 'application/json',
            })
            .end(JSON.stringify({ error: failure }));
        }
      })();
    });
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    state.server = new ErpSimulatorServer(server, `http://127.0.0.1:${port}`, simulator);
    return state.server;
  }

  /** Changes fault injection while running. */
  setFaults(faults: Partial<ErpFaultSettings>): void {
    this.faults = { ...this.faults, ...faults };
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
