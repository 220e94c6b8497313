import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TrytonErp } from '../../../adapters/erp/tryton/tryton-erp';
import { ContractViolation } from '../../../domain/failures';

type Row = Record<string, unknown> & { id: number };
type Condition = [string, string, unknown];

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** Rows matching a domain of the conditions the page read uses. */
function matching(rows: readonly Row[], domain: Condition[]): Row[] {
  return rows.filter((row) =>
    domain.every(([field, operator, value]) => {
      const own = row[field];
      if (operator === 'in') return (value as unknown[]).includes(own);
      if (operator === '=') return own === value;
      if (operator === '>') return (own as number) > (value as number);
      throw new Error(`operator ${operator} not faked`);
    }),
  );
}

/**
 * A Tryton at the JSON-RPC boundary holding `orders` purchases (ids 1..n, `linesEach` lines each)
 * over `references` references (SL-1...: purchase n has SL-(n mod references); all but the last
 * purchase of a reference cancelled) and, for purchase 1, one received shipment; it answers search_read with its domain,
 * order by id and limit, and read of ids, and logs every model call.
 */
async function fakeTryton(orders: number, linesEach: number, references = orders) {
  const purchases: Row[] = [];
  const lines: Row[] = [];
  const moves: Row[] = [];
  for (let id = 1; id <= orders; id++) {
    const lineIds: number[] = [];
    for (let n = 0; n < linesEach; n++) {
      const lineId = lines.length + 1;
      lineIds.push(lineId);
      lines.push({
        id: lineId,
        purchase: id,
        type: 'line',
        sequence: n + 1,
        'product.': { code: `SKU-${n}` },
        quantity: 10 + n,
        unit_price: '3.10',
        delivery_date: '2026-12-20',
      });
    }
    const moveIds = id === 1 ? [1] : [];
    if (id === 1)
      moves.push({
        id: 1,
        shipment: 'stock.shipment.in,7',
        'product.': { code: 'SKU-0' },
        quantity: 10,
        state: 'done',
      });
    purchases.push({
      id,
      number: `PO-${id}`,
      reference: `SL-${((id - 1) % references) + 1}`,
      state: id > orders - references ? 'processing' : 'cancelled',
      revision: 0,
      purchase_date: '2026-12-01',
      'party.': { code: 'S-1001' },
      'warehouse.': { code: 'WH-EAST' },
      lines: lineIds,
      moves: moveIds,
    });
  }
  const shipments: Row[] = [
    { id: 7, number: 'IN-7', state: 'done', effective_date: '2026-12-03', incoming_moves: [1] },
  ];
  const tables: Record<string, Row[]> = {
    'purchase.purchase': purchases,
    'purchase.line': lines,
    'stock.move': moves,
    'stock.shipment.in': shipments,
  };
  const calls: { method: string; domain?: Condition[]; limit?: number | null; order?: unknown }[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const { id, method, params } = JSON.parse(body) as { id: number; method: string; params: unknown[] };
      const reply = (result: unknown) => {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ id, result }));
      };
      if (method === 'common.db.login') return reply([1, 'session']);
      if (method === 'model.res.user.get_preferences') return reply({ company: 1 });
      const [, model, operation] = /^model\.(.+)\.(search_read|read)$/.exec(method)!;
      const rows = tables[model!]!;
      if (operation === 'read') {
        const ids = params[0] as number[];
        calls.push({ method });
        return reply(ids.map((wanted) => rows.find((row) => row.id === wanted)).filter(Boolean));
      }
      const [domain, , limit, order] = params as [Condition[], number, number | null, unknown];
      calls.push({ method, domain, limit, order });
      const found = matching(rows, domain).sort((a, b) => a.id - b.id);
      reply(limit === null ? found : found.slice(0, limit));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const erp = new TrytonErp({
    url: `http://127.0.0.1:${port}`,
    database: 'db',
    user: 'admin',
    password: 'x',
  });
  return { erp, calls };
}

describe('Tryton: a page of orders by reference', () => {
  it('reads a page in a few requests, whatever its size: orders, lines (by id cursor), moves, shipments', async () => {
    const { erp, calls } = await fakeTryton(100, 12);
    const page = await erp.findPurchaseOrders(Array.from({ length: 100 }, (_, n) => `SL-${n + 1}`));

    expect(page).toHaveLength(100);
    expect(page[41]).toMatchObject({ externalRef: 'SL-42', number: 'PO-42', receipts: [] });
    expect(page[41]!.lines.map((line) => line.lineNo)).toEqual(Array.from({ length: 12 }, (_, n) => n + 1));
    expect(page[0]!.receipts).toEqual([
      {
        receiptNumber: 'IN-7',
        state: 'done',
        receivedAt: '2026-12-03',
        lines: [{ itemCode: 'SKU-0', quantityEa: '10' }],
      },
    ]);
    // 1,200 lines: two requests of at most 1,000, the second after the first's last id.
    expect(calls.map((call) => call.method)).toEqual([
      'model.purchase.purchase.search_read',
      'model.purchase.line.search_read',
      'model.purchase.line.search_read',
      'model.stock.move.read',
      'model.stock.shipment.in.read',
    ]);
    const [orders, firstLines, nextLines] = calls;
    expect(orders!.order).toEqual([['id', 'ASC']]);
    expect(orders!.domain).toContainEqual(['id', '>', 0]);
    expect(firstLines!.limit).toBe(1000);
    expect(nextLines!.domain).toContainEqual(['id', '>', 1000]);
  });

  it('walks the orders with the id cursor when a page has more orders than one request answers', async () => {
    // Three orders per reference, two of them cancelled: 300 orders for 100 references.
    const { erp, calls } = await fakeTryton(300, 1, 100);
    const page = await erp.findPurchaseOrders(Array.from({ length: 100 }, (_, n) => `SL-${n + 1}`));

    // Each reference answered by its live order, as findPurchaseOrder answers it.
    expect(page).toHaveLength(100);
    expect(page.find((order) => order.externalRef === 'SL-1')).toMatchObject({
      number: 'PO-201',
      state: 'processing',
    });
    const orderReads = calls.filter((call) => call.method === 'model.purchase.purchase.search_read');
    expect(orderReads.map((call) => call.limit)).toEqual([200, 200]);
    expect(orderReads[1]!.domain).toContainEqual(['id', '>', 200]);
  });

  it('refuses more than a page of references before asking Tryton anything', async () => {
    const { erp, calls } = await fakeTryton(1, 1);
    const references = Array.from({ length: 101 }, (_, n) => `SL-${n + 1}`);
    await expect(erp.findPurchaseOrders(references)).rejects.toBeInstanceOf(ContractViolation);
    expect(calls).toEqual([]);
  });
});
