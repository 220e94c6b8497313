import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProcurementClient } from '../../../adapters/procurement/client';
import type { ProcurementClientOptions } from '../../../adapters/procurement/client';
import { parseRetryAfter } from '../../../adapters/procurement/client';
import {
  PROCUREMENT_RATE_BUDGET,
  RateBudget,
  type BudgetDecision,
  type BudgetLane,
  type RequestBudget,
} from '../../../adapters/procurement/rate-budget';
import { countsAgainstEndpoint } from '../../../adapters/resilience/circuit-breaker';
import {
  PROCUREMENT_SHARED_BUDGET,
  RequestBudgetExhausted,
  SharedRateBudget,
} from '../../../adapters/resilience/shared-rate-budget';
import { startLocalDynamo } from '../../../local/dynamodb/tables';
import type { CreateSourcingRequestBody } from '../../../adapters/procurement/api-types';
import { BusinessRejection, ContractViolation, TransientFailure } from '../../../domain/failures';
import { ProcurementSimulator } from '../../../local/simulators/procurement';

const suppliers = [
  { supplier_number: 'S-1001', name: 'Acme Fasteners', status: 'approved' as const },
  { supplier_number: 'S-2002', name: 'Blocked Bottling', status: 'blocked' as const },
];
const items = [
  { item_code: 'SKU-10442', contract_price: '3.10', contracted_supplier: 'S-1001' },
  { item_code: 'SKU-20001', contract_price: '1.25', contracted_supplier: 'S-2002' },
];
const credentials = { clientId: 'supplyline', clientSecret: 'supplyline-secret' };

const request = (
  n: number,
  overrides: Partial<CreateSourcingRequestBody> = {},
): CreateSourcingRequestBody => ({
  external_ref: `EXC-${n}`,
  item_code: 'SKU-10442',
  ship_to: 'DC-EAST-02',
  quantity: 480,
  uom: 'EA',
  need_by: '2026-12-07',
  justification: 'forecast uplift',
  ...overrides,
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('ProcurementClient against the simulator', () => {
  let sim: ProcurementSimulator;
  let client: ProcurementClient;
  const make = (options: Partial<ProcurementClientOptions> = {}) =>
    new ProcurementClient({ baseUrl: sim.url, credentials, ...options });

  beforeEach(async () => {
    sim = await ProcurementSimulator.start({
      suppliers,
      items,
      pageSize: 2,
      acknowledgement: { delayMs: 60_000 },
    });
    client = make();
  });
  afterEach(async () => {
    await sim.close();
  });

  describe('token', () => {
    it('fetches one token and reuses it across calls', async () => {
      await client.getSupplier('S-1001');
      await client.getSupplier('S-1001');
      await client.createSourcingRequest(request(1), { idempotencyKey: 'sr-create:1' });
      expect(sim.stats.tokenRequests).toBe(1);
    });

    it('shares one token request between concurrent calls', async () => {
      await Promise.all([1, 2, 3, 4].map(() => client.getSupplier('S-1001')));
      expect(sim.stats.tokenRequests).toBe(1);
    });

    it('refreshes shortly before expiry, without a 401', async () => {
      let now = Date.now();
      const c = make({ now: () => now });
      await c.getSupplier('S-1001');
      now += (3600 - 61) * 1000;
      await c.getSupplier('S-1001');
      expect(sim.stats.tokenRequests).toBe(1);
      now += 2000; // inside the 60 s margin
      await c.getSupplier('S-1001');
      expect(sim.stats.tokenRequests).toBe(2);
      expect(sim.requests.filter((r) => r.status === 401)).toHaveLength(0);
    });

    it('on a 401 fetches a new token once and repeats the call', async () => {
      await client.getSupplier('S-1001');
      sim.expireTokens();
      const supplier = await client.getSupplier('S-1001');
      expect(supplier?.status).toBe('approved');
      expect(sim.stats.tokenRequests).toBe(2);
      expect(sim.requests.filter((r) => r.path.startsWith('/api')).map((r) => r.status)).toEqual([
        200, 401, 200,
      ]);
    });

    it('a second 401 after a fresh token is a contract violation, not a loop', async () => {
      const c = make({
        fetch: (input, init) => {
          const headers = { ...(init?.headers as Record<string, string>) };
          if (headers.authorization) headers.authorization = 'Bearer revoked';
          return fetch(input, { ...init, headers });
        },
      });
      const error = await rejection(c.getSupplier('S-1001'));
      expect(error).toBeInstanceOf(ContractViolation);
      expect(sim.stats.tokenRequests).toBe(2);
    });

    it('invalid_client is a contract violation naming the OAuth2 error', async () => {
      const error = await rejection(
        make({ credentials: { clientId: 'supplyline', clientSecret: 'wrong' } }).getSupplier('S-1001'),
      );
      expect(error).toBeInstanceOf(ContractViolation);
      expect((error as ContractViolation).details).toMatchObject({ status: 401, error: 'invalid_client' });
    });
  });

  describe('idempotency', () => {
    it('sends the caller key as Idempotency-Key on every POST and PATCH', async () => {
      const { sourcingRequest } = await client.createSourcingRequest(request(1), {
        idempotencyKey: 'k-create',
      });
      await client.amendSourcingRequest(sourcingRequest.id, { quantity: 500 }, { idempotencyKey: 'k-amend' });
      const po = await client.createPurchaseOrder(
        { sourcing_request_id: sourcingRequest.id, external_ref: 'PO-EXC-1' },
        { idempotencyKey: 'k-po' },
      );
      await client.updatePurchaseOrderStatus(
        po.po_number,
        { status: 'received', erp_reference: 'PO/0001' },
        { idempotencyKey: 'k-status' },
      );
      const other = await client.createSourcingRequest(request(2), { idempotencyKey: 'k-create-2' });
      await client.cancelSourcingRequest(other.sourcingRequest.id, { idempotencyKey: 'k-cancel' });

      const writes = sim.requests.filter((r) => r.path.startsWith('/api') && r.method !== 'GET');
      expect(writes.map((r) => [r.method, r.idempotencyKey])).toEqual([
        ['POST', 'k-create'],
        ['PATCH', 'k-amend'],
        ['POST', 'k-po'],
        ['POST', 'k-status'],
        ['POST', 'k-create-2'],
        ['POST', 'k-cancel'],
      ]);
      expect(
        sim.requests.filter((r) => r.method === 'GET').every((r) => r.idempotencyKey === undefined),
      ).toBe(true);
    });

    it('refuses a write without a key before sending anything', async () => {
      const error = await rejection(client.createSourcingRequest(request(1), { idempotencyKey: ' ' }));
      expect(error).toBeInstanceOf(ContractViolation);
      expect(sim.requests).toHaveLength(0);
    });

    it('the same key and body replays the first answer', async () => {
      const first = await client.createSourcingRequest(request(1), { idempotencyKey: 'sr-create:EXC-1' });
      const second = await client.createSourcingRequest(request(1), { idempotencyKey: 'sr-create:EXC-1' });
      expect(second).toEqual(first);
      expect(second.outcome).toBe('created');
      expect(sim.sourcingRequests()).toHaveLength(1);
      expect(
        sim.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/api')).map((r) => r.replayed),
      ).toEqual([false, true]);
    });

    it('the same key with a different body is a contract violation (idempotency_key_reused)', async () => {
      await client.createSourcingRequest(request(1), { idempotencyKey: 'k' });
      const error = await rejection(
        client.createSourcingRequest(request(1, { quantity: 1 }), { idempotencyKey: 'k' }),
      );
      expect(error).toBeInstanceOf(ContractViolation);
      expect((error as ContractViolation).details.errors).toEqual([
        expect.objectContaining({ code: 'idempotency_key_reused' }),
      ]);
    });

    it('a create whose external_ref exists returns the existing request', async () => {
      const first = await client.createSourcingRequest(request(1), { idempotencyKey: 'k1' });
      const again = await client.createSourcingRequest(request(1, { quantity: 999 }), {
        idempotencyKey: 'k2',
      });
      expect(again.outcome).toBe('existing');
      expect(again.sourcingRequest).toEqual(first.sourcingRequest);
      expect(sim.sourcingRequests()).toHaveLength(1);
    });

    it('an external_ref taken by a different item is a contract violation', async () => {
      await client.createSourcingRequest(request(1), { idempotencyKey: 'k1' });
      const error = await rejection(
        client.createSourcingRequest(request(1, { item_code: 'SKU-20001' }), { idempotencyKey: 'k2' }),
      );
      expect(error).toBeInstanceOf(ContractViolation);
    });

    it('a create whose answer was lost is completed by the retry (5xx not stored, external_ref found)', async () => {
      sim.setFaults({ errorAfterProcessingRate: 1 });
      const lost = await rejection(
        client.createSourcingRequest(request(7), { idempotencyKey: 'sr-create:7' }),
      );
      expect(lost).toBeInstanceOf(TransientFailure);
      sim.setFaults({ errorAfterProcessingRate: 0 });
      const retried = await client.createSourcingRequest(request(7), { idempotencyKey: 'sr-create:7' });
      expect(retried.outcome).toBe('existing');
      expect(sim.sourcingRequests()).toHaveLength(1);
    });
  });

  describe('failure classes', () => {
    it('429 surfaces Retry-After as a transient failure', async () => {
      sim.injectRateLimitBurst(1, 7);
      const error = await rejection(client.getSupplier('S-1001'));
      expect(error).toBeInstanceOf(TransientFailure);
      expect((error as TransientFailure).retryAfterSeconds).toBe(7);
    });

    it('a short Retry-After is waited out once in process', async () => {
      const slept: number[] = [];
      const c = make({ sleep: async (ms) => void slept.push(ms) });
      sim.injectRateLimitBurst(1, 1);
      expect(await c.getSupplier('S-1001')).not.toBeNull();
      expect(slept).toEqual([1000]);
      sim.injectRateLimitBurst(2, 1);
      const error = await rejection(c.getSupplier('S-1001'));
      expect((error as TransientFailure).retryAfterSeconds).toBe(1);
    });

    it('5xx and outages are transient', async () => {
      sim.setFaults({ errorRate: 1 });
      expect(await rejection(client.getSupplier('S-1001'))).toBeInstanceOf(TransientFailure);
      sim.setFaults({ errorRate: 0, outage: true });
      expect(
        await rejection(client.createSourcingRequest(request(1), { idempotencyKey: 'k' })),
      ).toBeInstanceOf(TransientFailure);
    });

    it('a timeout is transient', async () => {
      await client.getSupplier('S-1001');
      sim.setFaults({ latencyMs: 400 });
      const error = await rejection(make({ requestTimeoutMs: 100 }).getSupplier('S-1001'));
      expect(error).toBeInstanceOf(TransientFailure);
      expect(error.message).toMatch(/timed out/);
    });

    it('fits each request in what the invocation has left, and starts none it could not finish', async () => {
      await client.getSupplier('S-1001');
      sim.setFaults({ latencyMs: 1_000 });
      const cut = await rejection(make({ timeLeftMs: () => 300 }).getSupplier('S-1001'));
      expect(cut).toBeInstanceOf(TransientFailure);
      expect(cut.message).toMatch(/timed out after 300 ms/);

      let requests = 0;
      const counting: typeof fetch = (input, init) => {
        requests += 1;
        return fetch(input, init);
      };
      const refused = await rejection(make({ fetch: counting, timeLeftMs: () => 100 }).getSupplier('S-1001'));
      expect(refused).toBeInstanceOf(TransientFailure);
      expect(refused.message).toMatch(/not started, the invocation has 100 ms left for procurement calls/);
      expect(requests).toBe(0);
      // Our own time running out says nothing about the platform: the breaker does not count it.
      expect(countsAgainstEndpoint(refused)).toBe(false);
      expect(countsAgainstEndpoint(cut)).toBe(true);
    });

    it('a network failure is transient', async () => {
      const url = sim.url;
      await sim.close();
      const error = await rejection(
        new ProcurementClient({ baseUrl: url, credentials }).getSupplier('S-1001'),
      );
      expect(error).toBeInstanceOf(TransientFailure);
      sim = await ProcurementSimulator.start({ suppliers, items });
    });

    it('supplier_not_approved is a business rejection', async () => {
      const error = await rejection(
        client.createSourcingRequest(request(1, { preferred_supplier: 'S-2002' }), { idempotencyKey: 'k' }),
      );
      expect(error).toBeInstanceOf(BusinessRejection);
      expect((error as BusinessRejection).code).toBe('SUPPLIER_NOT_APPROVED');
    });

    it('a PO for a supplier blocked since the request was made is a business rejection', async () => {
      const { sourcingRequest } = await client.createSourcingRequest(request(1), { idempotencyKey: 'k' });
      sim.setSupplierStatus('S-1001', 'on_hold');
      const error = await rejection(
        client.createPurchaseOrder(
          { sourcing_request_id: sourcingRequest.id, external_ref: 'x' },
          { idempotencyKey: 'p' },
        ),
      );
      expect((error as BusinessRejection).code).toBe('SUPPLIER_NOT_APPROVED');
    });

    it('amending a request that is not open is a business rejection (INVALID_STATE)', async () => {
      const { sourcingRequest } = await client.createSourcingRequest(request(1), { idempotencyKey: 'k' });
      await client.cancelSourcingRequest(sourcingRequest.id, { idempotencyKey: 'c' });
      const error = await rejection(
        client.amendSourcingRequest(sourcingRequest.id, { quantity: 5 }, { idempotencyKey: 'a' }),
      );
      expect(error).toBeInstanceOf(BusinessRejection);
      expect((error as BusinessRejection).code).toBe('INVALID_STATE');
    });

    it('invalid_field is a contract violation', async () => {
      const error = await rejection(
        client.createSourcingRequest(request(1, { quantity: 0 }), { idempotencyKey: 'k' }),
      );
      expect(error).toBeInstanceOf(ContractViolation);
      expect((error as ContractViolation).details.errors).toEqual([
        expect.objectContaining({ code: 'invalid_field', field: 'quantity' }),
      ]);
    });

    it('an answer of an unexpected shape is a contract violation', async () => {
      const c = make({
        fetch: async (input, init) => {
          const answer = await fetch(input, init);
          if (!String(input).includes('/suppliers/')) return answer;
          return new Response(JSON.stringify({ supplier_number: 1001, status: 'approved' }), { status: 200 });
        },
      });
      const error = await rejection(c.getSupplier('S-1001'));
      expect(error).toBeInstanceOf(ContractViolation);
      expect((error as ContractViolation).details.path).toBe('supplier.supplier_number');
    });

    it('a 404 that is not the platform’s not_found is not read as absent', async () => {
      const c = make({
        fetch: async (input, init) =>
          String(input).includes('/suppliers/')
            ? new Response('<html>Not Found</html>', { status: 404 })
            : fetch(input, init),
      });
      expect(await rejection(c.getSupplier('S-1001'))).toBeInstanceOf(ContractViolation);
    });
  });

  describe('operations', () => {
    it('reads suppliers, unknown ones as null', async () => {
      expect(await client.getSupplier('S-1001')).toMatchObject({
        supplier_number: 'S-1001',
        status: 'approved',
        currency: 'USD',
      });
      expect(await client.getSupplier('S-9999')).toBeNull();
      expect(await client.getSourcingRequest('SR-999999')).toBeNull();
      expect(await client.getPurchaseOrder('PO-2026-999999')).toBeNull();
    });

    it('lists across every page with filters', async () => {
      for (let i = 1; i <= 5; i++)
        await client.createSourcingRequest(request(i), { idempotencyKey: `k${i}` });
      await client.createSourcingRequest(request(6, { ship_to: 'DC-WEST-01' }), { idempotencyKey: 'k6' });
      const east = await client.listSourcingRequests({
        item_code: 'SKU-10442',
        ship_to: 'DC-EAST-02',
        status: 'open',
      });
      expect(east.map((r) => r.external_ref)).toEqual(['EXC-1', 'EXC-2', 'EXC-3', 'EXC-4', 'EXC-5']);
      const lists = sim.requests.filter(
        (r) => r.method === 'GET' && r.path.startsWith('/api/v2/sourcing-requests?'),
      );
      expect(lists).toHaveLength(3);
      expect(lists.every((r) => r.path.includes('ship_to=DC-EAST-02'))).toBe(true);
      expect(await client.listSourcingRequests({ external_ref: 'EXC-6' })).toHaveLength(1);
      expect(await client.listSourcingRequests({ status: 'cancelled' })).toEqual([]);
    });

    it('runs a request through award and status sync', async () => {
      const { sourcingRequest } = await client.createSourcingRequest(request(1), { idempotencyKey: 'k' });
      expect(sourcingRequest).toMatchObject({
        status: 'open',
        unit_price: '3.10',
        supplier_number: 'S-1001',
      });
      const amended = await client.amendSourcingRequest(
        sourcingRequest.id,
        { quantity: 504, need_by: '2026-12-08' },
        { idempotencyKey: 'a' },
      );
      expect(amended).toMatchObject({ quantity: 504, need_by: '2026-12-08' });
      const po = await client.createPurchaseOrder(
        { sourcing_request_id: sourcingRequest.id, external_ref: 'PO-EXC-1' },
        { idempotencyKey: 'p' },
      );
      expect(po).toMatchObject({ status: 'issued', revision: 1, lines: [{ qty: 504, unit_price: '3.10' }] });
      expect((await client.getSourcingRequest(sourcingRequest.id))?.status).toBe('awarded');
      const synced = await client.updatePurchaseOrderStatus(
        po.po_number,
        { status: 'partially_received', erp_reference: 'PO/42' },
        { idempotencyKey: 's' },
      );
      expect(synced.status).toBe('partially_received');
      expect((await client.getPurchaseOrder(po.po_number))?.status).toBe('partially_received');
    });
  });

  describe('request budget', () => {
    it('keeps a burst under the platform limit: no 429', async () => {
      const c = make({ budget: new RateBudget(PROCUREMENT_RATE_BUDGET), maxBudgetWaitMs: 10_000 });
      const results = await Promise.all(Array.from({ length: 18 }, () => c.getSupplier('S-1001')));
      expect(results.every((s) => s?.supplier_number === 'S-1001')).toBe(true);
      expect(sim.stats.rateLimited).toBe(0);
    });

    it('fails with RequestBudgetExhausted when the budget cannot be had in time; token calls do not spend it', async () => {
      const budget = new RateBudget({ capacity: 1, refillPerSecond: 0.1, criticalReservedShare: 0 });
      const c = make({ budget, maxBudgetWaitMs: 50 });
      await c.getSupplier('S-1001');
      const error = await rejection(c.getSupplier('S-1001'));
      expect(error).toBeInstanceOf(RequestBudgetExhausted);
      expect(error).toBeInstanceOf(TransientFailure);
      expect(error).toMatchObject({
        name: 'RequestBudgetExhausted',
        system: 'procurement',
        lane: 'critical',
        operation: 'getSupplier',
      });
      expect((error as RequestBudgetExhausted).retryAfterSeconds).toBe(10);
      // Nothing was sent: the endpoint is not to blame.
      expect(countsAgainstEndpoint(error)).toBe(false);
      expect(sim.stats.apiRequests).toBe(1);
      expect(sim.stats.tokenRequests).toBe(1);
    });

    it('spends the lane each call names (critical by default) and waits briefly for a refused one', async () => {
      const asked: BudgetLane[] = [];
      const answers: BudgetDecision[] = [
        { granted: true },
        { granted: false, retryInMs: 300 },
        { granted: true },
      ];
      const budget: RequestBudget = {
        take: (lane) => {
          asked.push(lane);
          return Promise.resolve(answers.shift() ?? { granted: true });
        },
      };
      const slept: number[] = [];
      const c = make({ budget, sleep: (ms) => (slept.push(ms), Promise.resolve()) });
      await c.getSupplier('S-1001');
      await c.listSourcingRequests({ status: 'open' }, { lane: 'bulk' });
      expect(asked).toEqual(['critical', 'bulk', 'bulk']);
      expect(slept).toEqual([300]);
      const bulkByDefault = make({ budget, defaultLane: 'bulk' });
      await bulkByDefault.getSupplier('S-1001');
      expect(asked.at(-1)).toBe('bulk');
    });

    it('waits at most about a second by default, then tells when to come back', async () => {
      const budget: RequestBudget = { take: () => Promise.resolve({ granted: false, retryInMs: 700 }) };
      let now = 0;
      const slept: number[] = [];
      const c = make({
        budget,
        now: () => now,
        sleep: (ms) => {
          slept.push(ms);
          now += ms;
          return Promise.resolve();
        },
      });
      const error = await rejection(c.getSupplier('S-1001'));
      expect(error).toBeInstanceOf(RequestBudgetExhausted);
      expect(slept).toEqual([700]);
      expect((error as RequestBudgetExhausted).retryAfterSeconds).toBe(1);
      expect(sim.stats.apiRequests).toBe(0);
    });

    it('two clients sharing the DynamoDB budget stay under the platform limit together: no 429', async () => {
      const dynamo = await startLocalDynamo({ prefix: 'client-budget' });
      try {
        const documents = DynamoDBDocumentClient.from(dynamo.client);
        const shared = () =>
          new SharedRateBudget({
            documents,
            tableName: dynamo.tableNames.circuitBreaker,
            endpoint: 'procurement',
          });
        // Each alone would let 9 through at once; together they must not pass 10 in any second.
        const clients = [shared(), shared()].map((budget) => make({ budget, maxBudgetWaitMs: 10_000 }));
        // The bound holds when requests are granted. Started late in a window, the burst's first
        // grants and those four windows on would be just over a second apart, and a few ms of
        // scheduling delay on a busy machine could bring them into one second at the platform.
        const { windowMs } = PROCUREMENT_SHARED_BUDGET;
        await sleep(windowMs - (Date.now() % windowMs) + 5);
        const results = await Promise.all(
          clients.flatMap((c) => Array.from({ length: 8 }, () => c.getSupplier('S-1001'))),
        );
        expect(results.every((s) => s?.supplier_number === 'S-1001')).toBe(true);
        expect(sim.stats.rateLimited).toBe(0);
        expect(sim.stats.apiRequests).toBe(16);
      } finally {
        await dynamo.stop();
      }
    });
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['7', 7],
    [' 0 ', 0],
    ['Fri, 27 Nov 2026 08:00:10 GMT', 10],
    ['soon', undefined],
    [null, undefined],
  ])('%s', (value, expected) => {
    expect(parseRetryAfter(value, Date.parse('2026-11-27T08:00:00Z'))).toBe(expected);
  });
});
