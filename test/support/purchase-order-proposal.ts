/** A proposed purchase order for the process API tests: 1,200 eaches of sparkling water from Acme for the east DC. */
export const purchaseOrderProposal = (overrides: Record<string, string> = {}) => ({
  itemCode: 'SKU-10442',
  site: 'DC-EAST-02',
  supplierNumber: 'S-1001',
  quantityEa: '1200',
  unitPrice: '3.10',
  currency: 'USD',
  ...overrides,
});
