import { trytonDecimal, type TrytonRpc } from '../../adapters/erp/tryton/jsonrpc';
import type { MasterData } from '../../local/seed/master-data';

type Row = Record<string, unknown> & { id: number };
const ALL = { active_test: false };

/** What a seeding run did: each record by kind and code, as created now or found already there. */
export interface SeedReport {
  created: string[];
  existing: string[];
}

/**
 * Seeds a Tryton 6.0 database (purchase and stock modules activated) with the master data over
 * JSON-RPC: company in USD, minimal chart of accounts, an accounting product category, warehouses,
 * supplier parties, items and opening stock. Every step looks before it creates, so it can be
 * re-run against a developer's own Tryton sandbox: a second run creates nothing. Logs in as an
 * administrator (`login`, whose current company becomes the seeded one).
 */
export async function seedMasterData(
  rpc: TrytonRpc,
  data: MasterData,
  log: (line: string) => void = () => undefined,
  login = 'admin',
): Promise<SeedReport> {
  const report: SeedReport = { created: [], existing: [] };
  const note = (created: boolean, what: string) => (created ? report.created : report.existing).push(what);
  const companyId = await ensureCompany(rpc, data, login, note);
  log(`company ${companyId}`);
  const { expense, revenue } = await ensureChart(rpc, companyId, note);
  const categoryId = await ensureCategory(rpc, expense, revenue, note);
  const unitId = await one(rpc, 'product.uom', [['symbol', '=', 'u']], 'unit of measure "u"');

  // Inventories book their differences against the warehouse's lost-and-found location.
  const lostFound = (await rpc.search('stock.location', [['type', '=', 'lost_found']], {}, 1))[0];
  const storageByWarehouse = new Map<string, number>();
  for (const wh of data.warehouses) {
    storageByWarehouse.set(wh.code, await ensureWarehouse(rpc, wh.code, wh.name, wh.active, lostFound, note));
  }
  log(`warehouses ${[...storageByWarehouse.keys()].join(', ')}`);

  for (const supplier of data.suppliers) {
    if (supplier.erp === 'absent') continue;
    const found = await rpc.search('party.party', [['code', '=', supplier.supplierNumber]], ALL);
    note(!found.length, `supplier ${supplier.supplierNumber}`);
    if (found.length) continue;
    await rpc.create('party.party', [
      {
        name: supplier.name,
        code: supplier.supplierNumber,
        active: supplier.erp === 'active',
        // A purchase needs an invoice address; on-change logic that would add one does not run over RPC.
        addresses: [['create', [{ name: supplier.name }]]],
      },
    ]);
  }

  const productByCode = new Map<string, number>();
  for (const item of data.items) {
    let products = await rpc.search('product.product', [['code', '=', item.itemCode]], ALL);
    note(!products.length, `item ${item.itemCode}`);
    if (!products.length) {
      await rpc.create('product.template', [
        {
          name: item.name,
          code: item.itemCode,
          type: 'goods',
          purchasable: item.purchasable,
          default_uom: unitId,
          purchase_uom: unitId,
          list_price: trytonDecimal(item.unitPrice),
          account_category: categoryId,
          active: item.templateActive,
          products: [
            [
              'create',
              [{ suffix_code: '', cost_price: trytonDecimal(item.unitPrice), active: item.variantActive }],
            ],
          ],
        },
      ]);
      products = await rpc.search('product.product', [['code', '=', item.itemCode]], ALL);
    }
    productByCode.set(item.itemCode, products[0]!);
  }
  log(`items ${[...productByCode.keys()].join(', ')}`);
  await ensureOpeningStock(rpc, data, companyId, storageByWarehouse, productByCode, note);
  return report;
}

/** One confirmed inventory per warehouse with opening stock; a warehouse with any inventory is left alone. */
async function ensureOpeningStock(
  rpc: TrytonRpc,
  data: MasterData,
  companyId: number,
  storageByWarehouse: Map<string, number>,
  productByCode: Map<string, number>,
  note: Note,
): Promise<void> {
  for (const [warehouseCode, storage] of storageByWarehouse) {
    const lines = data.openingStock.filter((s) => s.warehouseCode === warehouseCode);
    if (!lines.length) continue;
    const counted = (await rpc.search('stock.inventory', [['location', '=', storage]])).length > 0;
    note(!counted, `opening stock ${warehouseCode}`);
    if (counted) continue;
    const [inventory] = await rpc.create('stock.inventory', [
      {
        location: storage,
        company: companyId,
        lines: [
          ['create', lines.map((l) => ({ product: productByCode.get(l.itemCode), quantity: l.quantityEa }))],
        ],
      },
    ]);
    await rpc.button('stock.inventory', 'confirm', [inventory!]);
  }
}

async function one(rpc: TrytonRpc, model: string, domain: unknown[], what: string): Promise<number> {
  const ids = await rpc.search(model, domain, ALL);
  if (ids.length !== 1) throw new Error(`expected one ${what} in Tryton, found ${ids.length}`);
  return ids[0]!;
}

type Note = (created: boolean, what: string) => void;

async function ensureCompany(rpc: TrytonRpc, data: MasterData, login: string, note: Note): Promise<number> {
  const companies = await rpc.search('company.company', []);
  let companyId = companies[0];
  note(companyId === undefined, `company (${data.currency})`);
  if (companyId === undefined) {
    let [currency] = await rpc.search('currency.currency', [['code', '=', data.currency]], ALL);
    currency ??= (
      await rpc.create('currency.currency', [
        { name: 'U.S. Dollar', code: 'USD', symbol: '$', rounding: trytonDecimal('0.01'), digits: 2 },
      ])
    )[0];
    const [party] = await rpc.create('party.party', [{ name: data.companyName }]);
    [companyId] = await rpc.create('company.company', [{ party, currency }]);
  }
  const users = await rpc.searchRead<Row>('res.user', [['login', '=', login]], ['company', 'companies']);
  const admin = users[0];
  if (admin && admin.company !== companyId) {
    await rpc.write('res.user', [admin.id], { companies: [['add', [companyId]]], company: companyId });
    // The context that goes with every call must now carry the company.
    rpc.resetSession();
  }
  return companyId!;
}

async function ensureChart(
  rpc: TrytonRpc,
  companyId: number,
  note: Note,
): Promise<{ expense: number; revenue: number }> {
  const find = async () => ({
    expense: (await rpc.search('account.account', [['type.expense', '=', true]], {}, 1))[0],
    revenue: (await rpc.search('account.account', [['type.revenue', '=', true]], {}, 1))[0],
  });
  let accounts = await find();
  note(accounts.expense === undefined, 'chart of accounts');
  if (accounts.expense === undefined) {
    const template = await one(
      rpc,
      'account.account.template',
      [
        ['name', '=', 'Minimal Account Chart'],
        ['parent', '=', null],
      ],
      'minimal account chart template',
    );
    const wizard = await rpc.openWizard('account.create_chart');
    try {
      const answer = (await wizard.execute('create_account', {
        account: { company: companyId, account_template: template },
      })) as { view?: { defaults?: Record<string, unknown> } };
      const defaults = Object.fromEntries(
        Object.entries(answer.view?.defaults ?? {}).filter(([key]) => !key.endsWith('.')),
      );
      await wizard.execute('create_properties', { properties: defaults });
    } finally {
      await wizard.close();
    }
    accounts = await find();
  }
  if (accounts.expense === undefined || accounts.revenue === undefined) {
    throw new Error('the chart of accounts has no expense or revenue account');
  }
  return { expense: accounts.expense, revenue: accounts.revenue };
}

async function ensureCategory(rpc: TrytonRpc, expense: number, revenue: number, note: Note): Promise<number> {
  const [found] = await rpc.search('product.category', [['name', '=', 'Goods']]);
  note(found === undefined, 'product category Goods');
  if (found !== undefined) return found;
  // Without accounting on the category, processing a purchase fails after commit (CRITICAL in the log only).
  const [id] = await rpc.create('product.category', [
    { name: 'Goods', accounting: true, account_expense: expense, account_revenue: revenue },
  ]);
  return id!;
}

/** Creates a warehouse with its input/storage/output zones; returns the storage zone id. */
async function ensureWarehouse(
  rpc: TrytonRpc,
  code: string,
  name: string,
  active: boolean,
  lostFound: number | undefined,
  note: Note,
): Promise<number> {
  const [existing] = await rpc.searchRead<Row>(
    'stock.location',
    [
      ['code', '=', code],
      ['type', '=', 'warehouse'],
    ],
    ['storage_location'],
    ALL,
  );
  note(!existing, `warehouse ${code}`);
  if (existing) return existing.storage_location as number;
  const [input, storage, output] = await rpc.create('stock.location', [
    { name: `${name} input`, code: `${code}-IN`, type: 'storage' },
    { name: `${name} storage`, code: `${code}-STO`, type: 'storage' },
    { name: `${name} output`, code: `${code}-OUT`, type: 'storage' },
  ]);
  const [warehouse] = await rpc.create('stock.location', [
    {
      name,
      code,
      type: 'warehouse',
      input_location: input,
      storage_location: storage,
      output_location: output,
      lost_found_location: lostFound ?? null,
    },
  ]);
  // Stock of a warehouse is the stock of its children: the zones must sit under it.
  await rpc.write('stock.location', [input!, storage!, output!], { parent: warehouse });
  if (!active) await rpc.write('stock.location', [warehouse!], { active: false });
  return storage!;
}
