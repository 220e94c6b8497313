/**
 * An ErpPort over a small JSON protocol (`POST <base>/rpc {operation, args}`), for ERPs reached
 * through an integration gateway rather than natively, and for the local runtime's embedded ERP
 * simulator. Failures keep their class across the wire, so retries and rejections behave exactly
 * as with the native connector.
 */
import { BusinessRejection, ContractViolation, TransientFailure } from '../../../domain/failures';
import type { ErpPort } from '../../../domain/ports/erp';
import { requestTimeoutMs, type TimeLeft } from '../../http/deadline';
import { outboundUrlProblem } from '../../../application/outbound';

/** The ErpPort operations, by name: the protocol's vocabulary. */
export const ERP_OPERATIONS = [
  'getItem',
  'listItems',
  'getWarehouse',
  'getSupplier',
  'applySupplierChange',
  'getInventoryBalance',
  'committedValue',
  'findPurchaseOrder',
  'listReferencedPurchaseOrders',
  'findPurchaseOrders',
  'postPurchaseOrder',
  'amendPurchaseOrder',
  'listReceipts',
  'listExpectedShipments',
  'findOrdersExpectingShipment',
  'recordExpectedShipment',
  'withdrawExpectedShipment',
  'replaceExpectedShipment',
] as const satisfies readonly (keyof ErpPort)[];

export type ErpOperation = (typeof ERP_OPERATIONS)[number];

/** A failure as it travels in an answer. */
export interface WireFailure {
  class: 'BusinessRejection' | 'TransientFailure' | 'ContractViolation';
  code?: string;
  message: string;
  details?: Record<string, unknown>;
  retryAfterSeconds?: number;
}

export function toWireFailure(error: unknown): WireFailure {
  if (error instanceof BusinessRejection) {
    return { class: 'BusinessRejection', code: error.code, message: error.message, details: error.details };
  }
  if (error instanceof ContractViolation)
    return { class: 'ContractViolation', message: error.message, details: error.details };
  const retryAfterSeconds = error instanceof TransientFailure ? error.retryAfterSeconds : undefined;
  return {
    class: 'TransientFailure',
    message: (error as Error).message,
    ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
  };
}

export function fromWireFailure(failure: WireFailure): Error {
  switch (failure.class) {
    case 'BusinessRejection':
      return new BusinessRejection(
        failure.code ?? 'ERP_REJECTED',
        failure.message,
        'erp',
        failure.details ?? {},
      );
    case 'ContractViolation':
      return new ContractViolation(failure.message, 'erp', failure.details ?? {});
    default:
      return new TransientFailure(failure.message, 'erp', failure.retryAfterSeconds);
  }
}

export class RpcErp implements ErpPort {
  /** `requireHttps`: refuse a `baseUrl` that is not https:// (staging and prod). */
  constructor(
    private readonly baseUrl: string,
    private readonly options: {
      timeoutMs?: number;
      authorization?: string;
      timeLeftMs?: TimeLeft;
      requireHttps?: boolean;
    } = {},
  ) {
    const problem = options.requireHttps ? outboundUrlProblem(baseUrl, true) : undefined;
    if (problem) throw new Error(`ERP RPC base URL ${problem}`);
  }

  private async call<T>(operation: ErpOperation, args: unknown[]): Promise<T> {
    const timeoutMs = requestTimeoutMs(
      'erp',
      `ERP ${operation}`,
      this.options.timeoutMs ?? 10_000,
      this.options.timeLeftMs,
    );
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl.replace(/\/$/, '')}/rpc`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.options.authorization ? { authorization: this.options.authorization } : {}),
        },
        body: JSON.stringify({ operation, args }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new TransientFailure(`ERP ${operation}: ${(error as Error).message}`, 'erp', undefined, {
        cause: error,
      });
    }
    const text = await response.text();
    let body: { result?: T; error?: WireFailure };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      if (response.status >= 500 || response.status === 429)
        throw new TransientFailure(`ERP ${operation}: HTTP ${response.status}`, 'erp');
      throw new ContractViolation(`ERP ${operation}: HTTP ${response.status} with a non-JSON answer`, 'erp');
    }
    if (body.error) throw fromWireFailure(body.error);
    if (!response.ok) throw new TransientFailure(`ERP ${operation}: HTTP ${response.status}`, 'erp');
    if (!('result' in body)) throw new ContractViolation(`ERP ${operation}: answer without a result`, 'erp');
    return body.result as T;
  }

  getItem: ErpPort['getItem'] = (...args) => this.call('getItem', args);
  listItems: ErpPort['listItems'] = (...args) => this.call('listItems', args);
  getWarehouse: ErpPort['getWarehouse'] = (...args) => this.call('getWarehouse', args);
  getSupplier: ErpPort['getSupplier'] = (...args) => this.call('getSupplier', args);
  applySupplierChange: ErpPort['applySupplierChange'] = (...args) => this.call('applySupplierChange', args);
  getInventoryBalance: ErpPort['getInventoryBalance'] = (...args) => this.call('getInventoryBalance', args);
  committedValue: ErpPort['committedValue'] = (...args) => this.call('committedValue', args);
  findPurchaseOrder: ErpPort['findPurchaseOrder'] = (...args) => this.call('findPurchaseOrder', args);
  listReferencedPurchaseOrders: ErpPort['listReferencedPurchaseOrders'] = (...args) =>
    this.call('listReferencedPurchaseOrders', args);
  findPurchaseOrders: ErpPort['findPurchaseOrders'] = (...args) => this.call('findPurchaseOrders', args);
  postPurchaseOrder: ErpPort['postPurchaseOrder'] = (...args) => this.call('postPurchaseOrder', args);
  amendPurchaseOrder: ErpPort['amendPurchaseOrder'] = (...args) => this.call('amendPurchaseOrder', args);
  listReceipts: ErpPort['listReceipts'] = (...args) => this.call('listReceipts', args);
  listExpectedShipments: ErpPort['listExpectedShipments'] = (...args) =>
    this.call('listExpectedShipments', args);
  findOrdersExpectingShipment: ErpPort['findOrdersExpectingShipment'] = (...args) =>
    this.call('findOrdersExpectingShipment', args);
  recordExpectedShipment: ErpPort['recordExpectedShipment'] = (...args) =>
    this.call('recordExpectedShipment', args);
  withdrawExpectedShipment: ErpPort['withdrawExpectedShipment'] = (...args) =>
    this.call('withdrawExpectedShipment', args);
  replaceExpectedShipment: ErpPort['replaceExpectedShipment'] = (...args) =>
    this.call('replaceExpectedShipment', args);
}
