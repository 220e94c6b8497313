/**
 * GET /v1/purchase-orders/{poId}/sync: where a purchase order is in its sync across the systems,
 * the lag between them, its history and the integration exceptions still open about it.
 */
import { json, problem } from '../../adapters/webhooks/problem';
import type { SyncStatus } from '../../canonical/generated/types';
import { syncStatusPorts } from './composition';
import { apiHandler, pathParameter } from './http';

export const handler = apiHandler('purchase-order-sync-status', async (request) => {
  const ports = syncStatusPorts();
  const { instance } = request;
  const poId = pathParameter(request.event, 'poId');
  if (!poId) return problem(400, 'missing-parameter', 'The path names no purchase order.', { instance });
  const ref = { objectType: 'PurchaseOrder', objectId: poId };
  const [known, openExceptions] = await Promise.all([
    ports.ledger.status(ref),
    ports.exceptions.openFor(ref),
  ]);
  if (known.systems.length === 0 && known.lags.length === 0 && known.history.length === 0)
    return problem(404, 'purchase-order-not-found', `No system has reported purchase order ${poId}.`, {
      instance,
    });
  const status: SyncStatus = { ...known, openExceptions };
  return json(200, status);
});
