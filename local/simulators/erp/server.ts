/**
 * The embedded ERP simulator served over the ERP RPC protocol (adapters/erp/rpc), so Lambda
 * functions running in the local runtime reach it by URL like any ERP. Admin operations (receive a
 * shipment, count orders) and fault injection are available to tests and the demo.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { readBody } from '../../http/server';
import { listenOnLoopback, stopServer } from '../loopback';
import { RoutingTable } from '../routing';
import { ErpSimulator, type ErpSimulatorOptions } from './erp-simulator';
import { ERP_OPERATIONS, toWireFailure, type ErpOperation } from '../../../adapters/erp/rpc/rpc-erp';
import { TransientFailure } from '../../../domain/failures';

/** Faults of the ERP simulator, switched while it runs. */
export interface ErpFaultSettings {
  /** Share (0..1) of calls answered with a transient failure (HTTP 503). */
  errorRate: number;
  /** Added to every call. */
  latencyMs: number;
  /** While true every call fails transiently. */
  outage: boolean;
}

type RpcHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** The ERP simulator behind an HTTP endpoint, with the calls it answered and switchable faults. */
export class ErpSimulatorServer {
  readonly simulator: ErpSimulator;
  /** Every RPC call, oldest first. */
  readonly calls: { operation: string; at: Date; outcome: 'ok' | 'failed' }[] = [];
  private faults: ErpFaultSettings = { errorRate: 0, latencyMs: 0, outage: false };
  // One endpoint, matched on the request target as sent (a query string makes it unknown).
  private readonly routes = RoutingTable.of<RpcHandler>({
    'POST /rpc': (request, response) => this.call(request, response),
  });

  private constructor(
    private readonly server: Server,
    /** Root URL, e.g. `http://127.0.0.1:40123`. */
    readonly url: string,
    options: ErpSimulatorOptions & { random?: () => number },
  ) {
    const random = options.random ?? Math.random;
    this.simulator = new ErpSimulator({
      ...options,
      faults: {
        beforeCall: async () => {
          const faults = this.faults;
          if (faults.latencyMs) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
          // Draws at every call, rate 0 included: seeded drills depend on the sequence.
          if (faults.outage || random() < faults.errorRate)
            throw new TransientFailure('ERP simulator: injected failure', 'erp');
        },
      },
    });
  }

  /** Starts a simulator on 127.0.0.1 (`port` 0: any free port). */
  static async start(
    options: ErpSimulatorOptions & { port?: number; random?: () => number } = {},
  ): Promise<ErpSimulatorServer> {
    const { server, url } = await listenOnLoopback(options.port);
    const simulator = new ErpSimulatorServer(server, url, options);
    server.on('request', (request: IncomingMessage, response: ServerResponse) =>
      simulator.handle(request, response),
    );
    return simulator;
  }

  /** Changes fault injection while running. */
  setFaults(faults: Partial<ErpFaultSettings>): void {
    this.faults = { ...this.faults, ...faults };
  }

  /** Stops the server. */
  async close(): Promise<void> {
    await stopServer(this.server);
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const route = this.routes.match(request.method ?? '', request.url ?? '');
    if (route.kind === 'found') void route.handler(request, response);
    else
      response
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"error":{"class":"ContractViolation","message":"not found"}}');
  }

  /** `POST /rpc`: one operation of the ERP port or of its admin side, with its arguments. */
  private async call(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let operation = 'unknown';
    try {
      const body = JSON.parse((await readBody(request)).toString('utf8')) as {
        operation: string;
        args: unknown[];
      };
      operation = body.operation;
      if (!(ERP_OPERATIONS as readonly string[]).includes(operation))
        throw new Error(`unknown operation ${operation}`);
      const method = this.simulator[operation as ErpOperation] as (...args: unknown[]) => Promise<unknown>;
      const result = await method.apply(this.simulator, Array.isArray(body.args) ? body.args : []);
      this.calls.push({ operation, at: new Date(), outcome: 'ok' });
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result }));
    } catch (error) {
      this.calls.push({ operation, at: new Date(), outcome: 'failed' });
      const failure = toWireFailure(error);
      response
        .writeHead(failure.class === 'TransientFailure' ? 503 : 200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: failure }));
    }
  }
}
