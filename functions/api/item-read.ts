/**
 * GET /v1/items/{itemCode} and GET /v1/items: items as the ERP holds them, from the read store
 * (functions/api/system-views.ts); a miss reads the ERP once, in its budget's bulk lane.
 */
import { validateItemQuery } from '../../canonical/generated/validators';
import { itemFill } from '../../domain/system-apis/views';
import { erpBulkReads } from '../commons/connectors';
import { viewHandler } from './system-views';

export const handler = viewHandler({
  view: 'item',
  idParameter: 'itemCode',
  filterParameters: ['status'],
  validate: validateItemQuery,
  read: (itemCode) => itemFill(itemCode, erpBulkReads()),
});
