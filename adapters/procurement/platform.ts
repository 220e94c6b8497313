/**
 * The domain's procurement port (domain/ports/procurement.ts) on top of the vendor's REST client:
 * every renaming (`ship_to` is the site, `id` the request id) and every conversion (the vendor's
 * JSON numbers are exact decimal strings in the domain) happens here.
 */
import { Decimal, quantityToString } from '../../domain/decimal';
import { ContractViolation } from '../../domain/failures';
import type {
  NewSourcingRequest,
  ProcurementPort,
  ProcurementPurchaseOrder,
  ProcurementReadOptions,
  ProcurementSupplier,
  ProcurementWriteOptions,
  SourcingRequest,
  SourcingRequestChange,
  SourcingRequestCriteria,
} from '../../domain/ports/procurement';
import type {
  AmendSourcingRequestBody,
  PurchaseOrder,
  SourcingRequest as VendorSourcingRequest,
} from './api-types';
import type { ProcurementClient } from './client';

/** The vendor calls the port makes. */
export type ProcurementPlatformClient = Pick<
  ProcurementClient,
  | 'getSupplier'
  | 'getSourcingRequest'
  | 'createSourcingRequest'
  | 'amendSourcingRequest'
  | 'cancelSourcingRequest'
  | 'listSourcingRequests'
  | 'createPurchaseOrder'
>;

/** The procurement platform as the domain sees it. */
export class ProcurementPlatform implements ProcurementPort {
  /**
   * @param instance the instance's tag (`procurementInstanceTag` of the base URL and client id),
   *   stamped on every sourcing request read; without it, requests carry none (the old references).
   */
  constructor(
    private readonly client: ProcurementPlatformClient,
    private readonly instance?: string,
  ) {}

  async getSupplier(supplierNumber: string): Promise<ProcurementSupplier | null> {
    const supplier = await this.client.getSupplier(supplierNumber);
    return (
      supplier && { supplierNumber: supplier.supplier_number, name: supplier.name, status: supplier.status }
    );
  }

  async getSourcingRequest(requestId: string): Promise<SourcingRequest | null> {
    const request = await this.client.getSourcingRequest(requestId);
    return request && sourcingRequestOf(request, this.instance);
  }

  async createSourcingRequest(
    request: NewSourcingRequest,
    options: ProcurementWriteOptions,
  ): Promise<SourcingRequest> {
    const { sourcingRequest } = await this.client.createSourcingRequest(
      {
        external_ref: request.externalRef,
        item_code: request.itemCode,
        ship_to: request.site,
        quantity: vendorQuantity(request.quantityEa),
        uom: 'EA',
        need_by: request.needBy,
        ...(request.justification === undefined ? {} : { justification: request.justification }),
      },
      options,
    );
    return sourcingRequestOf(sourcingRequest, this.instance);
  }

  async amendSourcingRequest(
    requestId: string,
    change: SourcingRequestChange,
    options: ProcurementWriteOptions,
  ): Promise<SourcingRequest> {
    const body: AmendSourcingRequestBody = {};
    if (change.quantityEa !== undefined) body.quantity = vendorQuantity(change.quantityEa);
    if (change.needBy !== undefined) body.need_by = change.needBy;
    return sourcingRequestOf(await this.client.amendSourcingRequest(requestId, body, options), this.instance);
  }

  async cancelSourcingRequest(requestId: string, options: ProcurementWriteOptions): Promise<SourcingRequest> {
    return sourcingRequestOf(await this.client.cancelSourcingRequest(requestId, options), this.instance);
  }

  async listSourcingRequests(
    criteria: SourcingRequestCriteria = {},
    options?: ProcurementReadOptions,
  ): Promise<SourcingRequest[]> {
    const requests = await this.client.listSourcingRequests(
      {
        ...(criteria.itemCode === undefined ? {} : { item_code: criteria.itemCode }),
        ...(criteria.site === undefined ? {} : { ship_to: criteria.site }),
        ...(criteria.status === undefined ? {} : { status: criteria.status }),
      },
      options,
    );
    return requests.map((request) => sourcingRequestOf(request, this.instance));
  }

  async awardPurchaseOrder(
    award: { sourcingRequestId: string; externalRef: string },
    options: ProcurementWriteOptions,
  ): Promise<ProcurementPurchaseOrder> {
    const po = await this.client.createPurchaseOrder(
      { sourcing_request_id: award.sourcingRequestId, external_ref: award.externalRef },
      options,
    );
    return purchaseOrderOf(po);
  }
}

/** The vendor counts whole eaches as a JSON number: exact for every quantity it accepts. */
function vendorQuantity(quantityEa: string): number {
  const quantity = Decimal.tryParse(quantityEa);
  if (quantity === undefined)
    throw new ContractViolation(`not a decimal quantity: ${JSON.stringify(quantityEa)}`, 'supplyline');
  return quantity.toNumber();
}

function sourcingRequestOf(request: VendorSourcingRequest, instance: string | undefined): SourcingRequest {
  return {
    requestId: request.id,
    externalRef: request.external_ref,
    createdAt: request.created_at,
    ...(instance ? { instance } : {}),
    itemCode: request.item_code,
    site: request.ship_to,
    status: request.status,
    quantityEa: quantityToString(request.quantity),
    needBy: request.need_by,
    // The platform leaves them out until it has picked a supplier.
    supplierNumber: request.supplier_number ?? null,
    unitPrice: request.unit_price ?? null,
    currency: request.currency ?? null,
  };
}

/** A vendor purchase order in the domain's terms. */
export function purchaseOrderOf(po: PurchaseOrder): ProcurementPurchaseOrder {
  return {
    poNumber: po.po_number,
    status: po.status,
    supplierNumber: po.supplier_number,
    externalRef: po.external_ref,
    currency: po.currency,
    revision: po.revision,
    lines: po.lines.map((line) => ({
      lineNo: line.line_no,
      itemCode: line.item_code,
      quantityEa: quantityToString(line.qty),
      unitPrice: line.unit_price,
      needBy: line.need_by,
    })),
  };
}
