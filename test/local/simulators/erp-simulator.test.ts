import { describe, expect, it } from 'vitest';
import { ErpSimulator } from '../../../local/simulators/erp/erp-simulator';
import { TransientFailure } from '../../../domain/failures';
import { erpContract } from '../../adapters/erp/erp-contract';

erpContract('in-process simulator', async () => {
  const simulator = new ErpSimulator();
  return { erp: simulator, admin: simulator };
});

describe('ErpSimulator specifics', () => {
  it('consults the faults hook before each call, so the local runtime can inject failures and latency', async () => {
    const calls: string[] = [];
    const simulator = new ErpSimulator({
      faults: {
        beforeCall(operation) {
          calls.push(operation);
          if (operation === 'postPurchaseOrder') throw new TransientFailure('injected', 'erp');
        },
      },
    });
    await simulator.getItem('SKU-10442');
    await expect(
      simulator.postPurchaseOrder({
        externalRef: 'X-1',
        supplierNumber: 'S-1001',
        warehouseCode: 'WH-EAST',
        purchaseDate: '2031-01-01',
        currency: 'USD',
        lines: [{ itemCode: 'SKU-10442', quantityEa: '12', unitPrice: '3.10', deliveryDate: '2031-01-15' }],
      }),
    ).rejects.toBeInstanceOf(TransientFailure);
    expect(calls).toEqual(['getItem', 'postPurchaseOrder']);
    await expect(simulator.countPurchaseOrders('X-1')).resolves.toBe(0);
  });

  it('numbers orders at quotation like Tryton, and a received order stays committed', async () => {
    const simulator = new ErpSimulator({ today: () => '2031-01-20' });
    const request = {
      externalRef: 'X-2',
      supplierNumber: 'S-1001',
      warehouseCode: 'WH-WEST',
      purchaseDate: '2031-01-05',
      currency: 'USD',
      lines: [{ itemCode: 'SKU-10443', quantityEa: '10', unitPrice: '1.85', deliveryDate: '2031-01-15' }],
    };
    const draft = await simulator.createPurchaseOrderInState(request, 'draft');
    expect(draft.number).toBe('');
    const posted = await simulator.postPurchaseOrder(request);
    expect(posted.number).toBe('1');
    const receipt = await simulator.receiveShipment('X-2');
    expect(receipt.receivedAt).toBe('2031-01-20');
    // Once received, the line's delivery date is the receipt date, as Tryton derives it from the moves.
    expect((await simulator.findPurchaseOrder('X-2'))?.lines[0]?.deliveryDate).toBe('2031-01-20');
    await expect(simulator.committedValue('WH-WEST', '2031-01')).resolves.toBe('18.50');
  });
});
