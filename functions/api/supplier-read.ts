/**
 * GET /v1/suppliers/{supplierNumber} and GET /v1/suppliers: a supplier over procurement and the
 * ERP with its eligibility, from the read store; a miss reads each system once, in the bulk lanes.
 */
import { validateSupplierQuery } from '../../canonical/generated/validators';
import { supplierFill } from '../../domain/system-apis/views';
import { erpBulkReads, procurementSupplierBulk } from '../commons/connectors';
import { viewHandler } from './system-views';

export const handler = viewHandler({
  view: 'supplier',
  idParameter: 'supplierNumber',
  filterParameters: ['procurementStatus', 'eligible'],
  validate: validateSupplierQuery,
  read: (supplierNumber) =>
    supplierFill(supplierNumber, { procurementSupplier: procurementSupplierBulk, erp: erpBulkReads() }),
});
