/**
 * Shapes of the governed HTTP API's answers (request bodies that are canonical objects live in
 * objects.ts). Errors follow RFC 9457 problem details.
 */
import {
  array,
  dateTime,
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
    },
    { description: 'RFC 9457 problem details', optional: ['detail', 'instance', 'errors'] },
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
} satisfies Record<string, Schema>;
