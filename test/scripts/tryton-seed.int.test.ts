import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrytonRpc } from '../../adapters/erp/tryton/jsonrpc';
import { TrytonErp } from '../../adapters/erp/tryton/tryton-erp';
import { masterData } from '../../local/seed/master-data';
import { startTryton, type TrytonSandbox } from '../support/tryton';

const ROOT = resolve(import.meta.dirname, '../..');

/** `npm run tryton:seed -- ...` as a user runs it, the password in the environment. */
function seedCommand(tryton: TrytonSandbox) {
  const run = spawnSync(
    resolve(ROOT, 'node_modules/.bin/tsx'),
    ['scripts/tryton/seed-sandbox.ts', '--url', tryton.url, '--database', tryton.db, '--user', tryton.user],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, SUPPLYLINE_TRYTON_URL: '', SUPPLYLINE_TRYTON_PASSWORD: tryton.password },
    },
  );
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Every record the seeding may touch, with its last write: equal snapshots mean nothing changed. */
async function snapshot(rpc: TrytonRpc) {
  const models = [
    'company.company',
    'currency.currency',
    'account.account',
    'product.category',
    'stock.location',
    'party.party',
    'party.address',
    'product.template',
    'product.product',
    'stock.inventory',
    'stock.move',
    'res.user',
  ];
  const rows: Record<string, unknown> = {};
  for (const model of models) {
    rows[model] = await rpc.searchRead(model, [], ['id', 'write_date'], { active_test: false });
  }
  return rows;
}

// A Tryton with the modules activated and nothing seeded, as a user's own new Tryton.
describe('npm run tryton:seed against a Tryton without the master data', () => {
  let tryton: TrytonSandbox;
  beforeAll(async () => {
    tryton = await startTryton({ unseeded: true });
  });
  afterAll(async () => {
    try {
      expect(tryton.criticalLines(), `CRITICAL lines in ${tryton.logPath}`).toEqual([]);
    } finally {
      await tryton.stop();
    }
  });

  it('seeds it, changes nothing when run again, and the ERP adapter finds the cross-referenced codes', async () => {
    const connection = { url: tryton.url, database: tryton.db, user: tryton.user, password: tryton.password };
    const erp = new TrytonErp(connection);
    expect(await erp.getWarehouse('WH-EAST')).toBeNull();

    const first = seedCommand(tryton);
    expect(first.status, first.output).toBe(0);
    expect(first.output).toContain('created (');
    for (const code of ['WH-EAST', 'S-1001', 'SKU-10442'])
      expect(first.output).toMatch(new RegExp(`created.*${code}`));

    const rpc = new TrytonRpc(connection);
    const before = await snapshot(rpc);
    const second = seedCommand(tryton);
    expect(second.status, second.output).toBe(0);
    expect(second.output).toContain('created (0): nothing');
    expect(second.output).toMatch(/already there.*WH-EAST.*S-1001.*SKU-10442/);
    expect(await snapshot(rpc)).toEqual(before);

    for (const warehouse of masterData.warehouses) {
      expect(await erp.getWarehouse(warehouse.code)).toMatchObject({
        code: warehouse.code,
        active: warehouse.active,
      });
    }
    for (const supplier of masterData.suppliers) {
      const found = await erp.getSupplier(supplier.supplierNumber);
      if (supplier.erp === 'absent') expect(found).toBeNull();
      else expect(found).toMatchObject({ active: supplier.erp === 'active' });
    }
    for (const item of masterData.items) {
      expect(await erp.getItem(item.itemCode)).toMatchObject({
        active: item.variantActive && item.templateActive,
        purchasable: item.purchasable,
        uom: 'EA',
      });
    }
    expect(await erp.getInventoryBalance('SKU-10442', 'WH-EAST')).toMatchObject({ onHandEa: '240' });
  });
});
