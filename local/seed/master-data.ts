/**
 * Demo and test master data: one source for Tryton provisioning (scripts/tryton), the in-process ERP
 * simulator and the local runtime. Codes are the cross-references of business-rules.md: ERP product
 * code = planning `sku` = procurement `item_code`; planning `site` = procurement `ship_to` -> ERP
 * warehouse code; procurement `supplier_number` = ERP supplier party code.
 */

/** An item of the ERP item master. */
export interface SeedItem {
  /** ERP product code (= planning sku = procurement item_code). */
  itemCode: string;
  name: string;
  /** Variant (product.product) active. */
  variantActive: boolean;
  /** Template (product.template) active; an item is active only when both are. */
  templateActive: boolean;
  purchasable: boolean;
  /** Eaches per case: planning exceptions carry it as pack_size. */
  casePack: number;
  /** Agreed purchase price per each, USD. */
  unitPrice: string;
  /** The supplier the procurement platform's contract names for the item. */
  contractedSupplier: string;
}

/** A warehouse of the ERP. */
export interface SeedWarehouse {
  code: string;
  name: string;
  active: boolean;
}

/** A supplier as both the procurement platform and the ERP know it. */
export interface SeedSupplier {
  supplierNumber: string;
  name: string;
  /** Commercial status in the procurement platform. */
  procurementStatus: 'approved' | 'blocked';
  /** Whether the ERP has a party with this code, and whether it is active there. */
  erp: 'active' | 'inactive' | 'absent';
}

/** Planning site / procurement ship_to -> ERP warehouse code (several sites may share one warehouse). */
export interface SeedSiteMapping {
  site: string;
  warehouseCode: string;
}

/** Stock on hand at provisioning time, in eaches. */
export interface SeedOpeningStock {
  itemCode: string;
  warehouseCode: string;
  quantityEa: number;
}

/** The whole data set. */
export interface MasterData {
  currency: 'USD';
  companyName: string;
  items: SeedItem[];
  warehouses: SeedWarehouse[];
  suppliers: SeedSupplier[];
  sites: SeedSiteMapping[];
  openingStock: SeedOpeningStock[];
  /** Monthly commitment budget per ERP warehouse code, USD. */
  monthlyBudgets: Record<string, string>;
}

/** The demo data set used by tests and the local runtime. */
export const masterData: MasterData = {
  currency: 'USD',
  companyName: 'Supplyline Distribution Inc.',
  items: [
    {
      itemCode: 'SKU-10442',
      name: 'Sparkling water 500 ml',
      variantActive: true,
      templateActive: true,
      purchasable: true,
      casePack: 12,
      unitPrice: '3.10',
      contractedSupplier: 'S-1001',
    },
    {
      itemCode: 'SKU-10443',
      name: 'Still water 1.5 l',
      variantActive: true,
      templateActive: true,
      purchasable: true,
      casePack: 6,
      unitPrice: '1.85',
      contractedSupplier: 'S-1001',
    },
    {
      itemCode: 'SKU-20991',
      name: 'Lemon soda 330 ml (discontinued variant)',
      variantActive: false,
      templateActive: true,
      purchasable: true,
      casePack: 24,
      unitPrice: '0.95',
      contractedSupplier: 'S-1001',
    },
    {
      itemCode: 'SKU-20992',
      name: 'Orange soda 330 ml (discontinued line)',
      // Tryton requires an active variant to have an active template.
      variantActive: false,
      templateActive: false,
      purchasable: true,
      casePack: 24,
      unitPrice: '0.95',
      contractedSupplier: 'S-1001',
    },
    {
      itemCode: 'SKU-30001',
      name: 'Gift box assembly (made in-house)',
      variantActive: true,
      templateActive: true,
      purchasable: false,
      casePack: 1,
      unitPrice: '12.00',
      contractedSupplier: 'S-1001',
    },
    {
      itemCode: 'SKU-40001',
      name: 'Tonic water 200 ml (contracted to a blocked supplier)',
      variantActive: true,
      templateActive: true,
      purchasable: true,
      casePack: 24,
      unitPrice: '0.80',
      contractedSupplier: 'S-2002',
    },
    {
      itemCode: 'SKU-40002',
      name: 'Ginger beer 330 ml (contracted to a supplier unknown to the ERP)',
      variantActive: true,
      templateActive: true,
      purchasable: true,
      casePack: 24,
      unitPrice: '1.10',
      contractedSupplier: 'S-3003',
    },
  ],
  warehouses: [
    { code: 'WH-EAST', name: 'East distribution center', active: true },
    { code: 'WH-WEST', name: 'West distribution center', active: true },
    { code: 'WH-NORTH', name: 'North distribution center (closed)', active: false },
  ],
  suppliers: [
    { supplierNumber: 'S-1001', name: 'Acme Beverages', procurementStatus: 'approved', erp: 'active' },
    { supplierNumber: 'S-2002', name: 'Blocked Bottling Co.', procurementStatus: 'blocked', erp: 'active' },
    { supplierNumber: 'S-3003', name: 'Newcomer Drinks', procurementStatus: 'approved', erp: 'absent' },
    { supplierNumber: 'S-4004', name: 'Dormant Supplies', procurementStatus: 'approved', erp: 'inactive' },
  ],
  sites: [
    { site: 'DC-EAST-02', warehouseCode: 'WH-EAST' },
    { site: 'DC-EAST-03', warehouseCode: 'WH-EAST' },
    { site: 'DC-WEST-01', warehouseCode: 'WH-WEST' },
    // Mapped to a closed (inactive) warehouse, and to a warehouse the ERP does not have.
    { site: 'DC-NORTH-01', warehouseCode: 'WH-NORTH' },
    { site: 'DC-SOUTH-01', warehouseCode: 'WH-SOUTH' },
  ],
  openingStock: [
    { itemCode: 'SKU-10442', warehouseCode: 'WH-EAST', quantityEa: 240 },
    { itemCode: 'SKU-10442', warehouseCode: 'WH-WEST', quantityEa: 96 },
    { itemCode: 'SKU-10443', warehouseCode: 'WH-EAST', quantityEa: 60 },
  ],
  monthlyBudgets: { 'WH-EAST': '250000.00', 'WH-WEST': '250000.00', 'WH-NORTH': '250000.00' },
};

/** The ERP warehouse a planning site / procurement ship_to maps to, or undefined when unmapped. */
export function warehouseForSite(site: string, data: MasterData = masterData): string | undefined {
  return data.sites.find((s) => s.site === site)?.warehouseCode;
}

/** The procurement simulator's seed (suppliers with status, items with contract price and supplier). */
export function procurementSeed(data: MasterData = masterData) {
  return {
    suppliers: data.suppliers.map((supplier) => ({
      supplier_number: supplier.supplierNumber,
      name: supplier.name,
      status: supplier.procurementStatus,
      currency: data.currency,
      payment_terms: 'NET30',
      lead_time_days: 5,
    })),
    items: data.items.map((item) => ({
      item_code: item.itemCode,
      contract_price: item.unitPrice,
      currency: data.currency,
      contracted_supplier: item.contractedSupplier,
    })),
  };
}
