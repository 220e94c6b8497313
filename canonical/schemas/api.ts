/**
 * Shapes of the governed HTTP API's answers (request bodies that are canonical objects live in
 * objects.ts). Errors follow RFC 9457 problem details.
 */
import { CHECK_VERDICTS, ERP_POLICY_CODES, ORDER_CHECKS } from '../codes/policy-checks';
import { SUPPLIER_STATUSES } from '../codes/tables';
import {
  array,
  boolean,
  dateTime,
  decimal,
  enumOf,
  identifier,
  integer,
  nullable,
  number,
  object,
  ref,
  string,
  text,
  type Schema,
} from './dsl';
import { governedApiSchemas } from './governed-api';
import { currency, itemCode, site, wholeEaches } from './objects';
import { requisitionSchemas } from './requisitions';
import { DIFFERENCE_CLASSES } from '../codes/reconciliation';

export const apiSchemas = {
  ProblemError: object(
    {
      pointer: string({ description: 'JSON pointer (RFC 6901) to the offending value', maxLength: 1024 }),
      detail: text('What is wrong there', 1000),
    },
    { description: 'One validation error' },
  ),
  Problem: object(
    {
      type: string({ description: 'URI identifying the problem type', maxLength: 256 }),
      title: text('Short summary of the problem type', 200),
      status: integer({ minimum: 400, maximum: 599, description: 'HTTP status' }),
      detail: text('Explanation specific to this occurrence', 2000),
      instance: string({ description: 'URI of this occurrence (request id)', maxLength: 256 }),
      errors: array(ref('ProblemError'), { maxItems: 101 }),
      requestId: string({ description: 'API Gateway request id (its own refusals)', maxLength: 256 }),
    },
    {
      description: 'RFC 9457 problem details; `type` is one of docs/problems.md',
      optional: ['detail', 'instance', 'errors', 'requestId'],
    },
  ),
  ExceptionResolution: object(
    {
      resolvedBy: identifier(
        'Deprecated and ignored: the resolver is the verified caller (the access token subject)',
        128,
      ),
      reason: text('Why it is resolved', 2000),
    },
    { description: 'A person resolving an integration exception', optional: ['resolvedBy'] },
  ),
  Accepted: object(
    {
      status: enumOf(['accepted', 'duplicate', 'stale'], 'What happened to the delivery'),
      eventId: nullable(identifier('Canonical event id when one was published', 128)),
      idempotencyKey: identifier('Business idempotency key of the delivery', 256),
    },
    { description: 'A webhook delivery was durably accepted (or recognised)', optional: ['eventId'] },
  ),
  Held: object(
    {
      status: enumOf(['held'], 'Accepted and kept: the canonical model cannot carry it yet'),
      quarantineId: identifier('The held delivery in the webhook quarantine', 200),
      limits: array(
        object(
          {
            pointer: string({ description: 'JSON pointer of the field', maxLength: 1024 }),
            value: text('The value received, as JSON text', 262_144),
            limit: text('The canonical limit it breaks', 2000),
          },
          { description: 'One canonical limit the delivery breaks' },
        ),
        { minItems: 1, maxItems: 1000 },
      ),
    },
    {
      description:
        'A webhook delivery the vendor allows that the canonical model cannot carry (docs/quarantine.md)',
    },
  ),
  SystemState: object(
    {
      system: enumOf(['planning', 'procurement', 'erp'], 'System'),
      reference: nullable(identifier("The object's id in that system", 200)),
      state: nullable(text('Status there, in that system’s words', 64)),
      version: nullable(integer({ minimum: 0, description: 'Version there' })),
      confirmedAt: nullable(dateTime('When that system last confirmed a change (UTC)')),
    },
    { description: "A business object's state in one system" },
  ),
  SyncLag: object(
    {
      fromSystem: enumOf(['planning', 'procurement', 'erp'], 'Source system'),
      toSystem: enumOf(['planning', 'procurement', 'erp'], 'Target system'),
      sourceEventAt: dateTime('Source event time (UTC)'),
      confirmedAt: nullable(dateTime('When the target confirmed (UTC); null while pending')),
      lagSeconds: nullable(number({ minimum: 0, description: 'confirmedAt - sourceEventAt' })),
      outOfOrder: enumOf(['no', 'stale-ignored'], 'Whether an older version arrived after a newer one'),
    },
    { description: 'Lag of one change between a pair of systems' },
  ),
  HistoryEntry: object(
    {
      eventType: identifier('Canonical event type', 128),
      eventId: identifier('Event id', 128),
      occurredAt: dateTime('Source time (UTC)'),
      correlationId: identifier('Correlation id', 128),
    },
    { description: 'An event in the object’s history' },
  ),
  SyncStatus: object(
    {
      objectType: identifier('Business object type, e.g. PurchaseOrder'),
      objectId: identifier('Business identity', 200),
      systems: array(ref('SystemState'), { maxItems: 3 }),
      lags: array(ref('SyncLag'), { maxItems: 1000 }),
      history: array(ref('HistoryEntry'), { maxItems: 1000 }),
      openExceptions: array(ref('IntegrationException'), { maxItems: 1000 }),
    },
    { description: "A business object's state in each system, the lag between them and its history" },
  ),
  ...processApiSchemas(),
  ...requisitionSchemas(),
  ...governedApiSchemas,
} satisfies Record<string, Schema>;

/**
 * The process APIs' bodies (issue #17): a proposed purchase order checked with the commitment
 * workflow's own policy checks, and a supplier's eligibility for an item and site. The check names,
 * verdicts and codes are canonical/codes/policy-checks.ts, which the domain's checks use too.
 */
function processApiSchemas() {
  const supplierNumber = identifier('Procurement supplier_number (= the ERP supplier party code)');
  const money = (description: string) => decimal(description, { nonNegative: true });
  const facts = {
    itemCode,
    itemExists: boolean('The ERP has the item'),
    variantActive: boolean('The item’s variant is active in the ERP'),
    templateActive: boolean('The item’s template is active in the ERP'),
    purchasable: boolean('The item may be purchased'),
    site,
    warehouseCode: nullable(identifier('The ERP warehouse the site maps to; null: none')),
    warehouseExists: boolean('The ERP has that warehouse'),
    warehouseActive: boolean('That warehouse is active'),
    supplierNumber,
    procurementStatus: enumOf(
      SUPPLIER_STATUSES,
      'The supplier’s status in procurement (unknown there: BLOCKED)',
    ),
    knownToErp: boolean('The ERP has an active party with the supplier’s code'),
    currency,
    supportedCurrencies: array(currency, { maxItems: 50 }),
    month: string({
      description: 'Budget period: the UTC month of the purchase date',
      pattern: '^[0-9]{4}-[0-9]{2}$',
    }),
    commitmentValue: money('Quantity × unit price of this order'),
    committedThisMonth: money(
      'What the warehouse committed in the month (ERP orders confirmed, processing, done)',
    ),
    monthlyBudget: money('The warehouse’s monthly budget'),
    exceededBy: money('By how much the budget would be exceeded'),
    totalValue: money('Quantity × unit price'),
    approvalLimit: money('Above this a person must approve'),
  };
  return {
    PurchaseOrderProposal: object(
      {
        itemCode,
        site,
        supplierNumber,
        quantityEa: wholeEaches,
        unitPrice: money('Price per each'),
        currency,
      },
      { description: 'A purchase order someone proposes, to be checked without any side effect' },
    ),
    PolicyCheckFacts: object(facts, {
      description: 'The facts one check used (each check fills only its own)',
      optional: Object.keys(facts),
    }),
    PolicyCheck: object(
      {
        check: enumOf(ORDER_CHECKS, 'The check, in the business rules’ order'),
        verdict: enumOf(
          CHECK_VERDICTS,
          'not-evaluated: a fact it needs is missing because another check failed',
        ),
        code: enumOf(ERP_POLICY_CODES, 'Why it failed (stable)'),
        message: text('Why it failed, for a person', 1000),
        system: enumOf(['erp', 'procurement'], 'The system whose data says no'),
        reason: text('Why it was not evaluated', 1000),
        facts: ref('PolicyCheckFacts'),
      },
      {
        description: 'One policy check’s verdict and the facts it used',
        optional: ['code', 'message', 'system', 'reason'],
      },
    ),
    PurchaseOrderValidation: object(
      {
        outcome: enumOf(
          ['accepted', 'approval-required', 'rejected'],
          'What the commitment workflow would do: post it, ask a person to approve it, or reject it',
        ),
        totalValue: money('Quantity × unit price, to the cent'),
        currency,
        warehouseCode: nullable(identifier('The ERP warehouse the site maps to; null: none')),
        checks: array(ref('PolicyCheck'), { maxItems: ORDER_CHECKS.length }),
      },
      { description: 'Every policy check of a proposed purchase order; nothing was changed anywhere' },
    ),
    ReconciliationRunCounts: object(
      {
        window: object(
          { since: dateTime('Window start (UTC)'), until: dateTime('Window end (UTC)') },
          { description: 'The orders compared: created or learned of in [since, until)' },
        ),
        orders: integer({ minimum: 0, description: 'Orders compared' }),
        differences: object(
          Object.fromEntries(
            DIFFERENCE_CLASSES.map((name) => [
              name,
              integer({ minimum: 0, description: `${name} differences` }),
            ]),
          ),
          { description: 'Differences found per contract class' },
        ),
        repaired: integer({ minimum: 0, description: 'Differences repaired' }),
        exceptionsRaised: integer({ minimum: 0, description: 'Integration exceptions raised' }),
        repairFailures: integer({ minimum: 0, description: 'Repairs that failed (each raised)' }),
        committedValueDifferences: integer({ minimum: 0, description: 'Committed values that differ' }),
      },
      { description: 'The counts of a finished reconciliation run; its report lists each difference' },
    ),
    ReconciliationRun: object(
      {
        runId: identifier('Id of the run', 64),
        status: enumOf(['requested', 'running', 'finished', 'failed'], 'Where the run is'),
        requestedBy: identifier('Who asked for it (the verified caller)', 200),
        requestedAt: dateTime('When it was asked for (UTC)'),
        since: dateTime('Window start asked for (UTC); absent: the contract’s 90 days'),
        startedAt: dateTime('When it started (UTC)'),
        finishedAt: dateTime('When it finished or failed (UTC)'),
        summary: ref('ReconciliationRunCounts'),
        reports: array(string({ description: 'Object key of the report (JSON, CSV)', maxLength: 512 }), {
          maxItems: 2,
        }),
        reason: text('Why it failed', 2000),
      },
      {
        description:
          'An on-demand reconciliation run: asked for, running, finished with its counts, or failed',
        optional: ['since', 'startedAt', 'finishedAt', 'summary', 'reports', 'reason'],
      },
    ),
    ReconciliationRunPath: object(
      { runId: identifier('Id of the run', 64) },
      { description: 'The run asked about' },
    ),
    SupplierEligibilityRequest: object(
      { supplierNumber, itemCode, site },
      { description: 'The supplier (path) and the item and site (query) an eligibility is asked for' },
    ),
    SupplierEligibility: object(
      {
        supplierNumber,
        itemCode,
        site,
        eligible: boolean('Every check passed: the supplier may receive an order for the item at the site'),
        checks: array(ref('PolicyCheck'), { maxItems: 4 }),
      },
      { description: 'Whether a supplier may receive an order for an item at a site, and why' },
    ),
  } satisfies Record<string, Schema>;
}
