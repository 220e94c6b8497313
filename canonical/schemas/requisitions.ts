/**
 * Purchase requisitions (issue #17): what a buyer or an application submits, and the status
 * resource that shows the path it took through the commitment workflow and each system's reference.
 * The statuses and steps are canonical/codes/requisitions.ts.
 */
import { REQUISITION_STATUSES, REQUISITION_STEPS } from '../codes/requisitions';
import {
  array,
  date,
  dateTime,
  enumOf,
  identifier,
  nullable,
  object,
  ref,
  string,
  text,
  type Schema,
} from './dsl';
import { itemCode, site, wholeEaches } from './objects';

const requisitionId = string({
  description: 'The requisition: PR- and 26 base32 characters',
  pattern: '^PR-[A-Z2-7]{26}$',
  minLength: 29,
  maxLength: 29,
});

/** The requisition schemas (spread into the API schemas). */
export function requisitionSchemas() {
  const reference = (description: string) => nullable(identifier(description, 200));
  return {
    PurchaseRequisitionSubmission: object(
      {
        itemCode,
        site,
        quantityEa: wholeEaches,
        needBy: date('Date the goods are needed at the site (site calendar date)'),
        justification: string({
          description: 'Why it is needed, for the approver',
          minLength: 1,
          maxLength: 1000,
        }),
      },
      { description: 'A purchase requisition a buyer or an application submits' },
    ),
    PurchaseRequisitionRequest: object(
      { requisitionId },
      { description: 'The requisition (path) a status or a cancellation is asked for' },
    ),
    PurchaseRequisitionStep: object(
      {
        step: enumOf(REQUISITION_STEPS, 'The step of the commitment workflow'),
        at: dateTime('When it ended (UTC)'),
        outcome: text('What it came to', 200),
      },
      { description: 'One step the requisition went through' },
    ),
    PurchaseRequisitionReferences: object(
      {
        sourcingRequest: reference('The procurement sourcing request'),
        purchaseOrder: reference('Our purchase order reference, shared by procurement and the ERP'),
        procurementPurchaseOrder: reference('The procurement purchase order number'),
        erpOrder: reference('The ERP purchase order number'),
        approval: reference('The approval a person decides'),
        acknowledgement: reference('The supplier acknowledgement (when it was received, UTC)'),
        receipt: reference('The ERP receipt (shipment) of the goods'),
        integrationException: reference('The integration exception raised when it was rejected or failed'),
      },
      { description: 'Each system’s reference of the requisition; null: not there (yet)' },
    ),
    PurchaseRequisition: object(
      {
        requisitionId,
        status: enumOf(REQUISITION_STATUSES, 'Where it stands'),
        requestedBy: identifier('Who submitted it (the access token subject); never its approver', 256),
        submittedAt: dateTime('When it was submitted (UTC)'),
        itemCode,
        site,
        quantityEa: wholeEaches,
        needBy: date('Date the goods are needed at the site'),
        justification: text('Why it is needed', 1000),
        path: array(ref('PurchaseRequisitionStep'), {
          maxItems: 100,
          description: 'The steps taken, in order',
        }),
        references: ref('PurchaseRequisitionReferences'),
      },
      { description: 'A purchase requisition: its status, the path it took and each system’s reference' },
    ),
  } satisfies Record<string, Schema>;
}
