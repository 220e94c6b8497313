/**
 * The recovery after a restart: a replayed forecast exception that was already evaluated resumes
 * the commitment that died with the runtime, by how far its own sourcing request got, and changes
 * nothing when the commitment reached its outcome.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ForecastExceptionRaisedV1 } from '../../../canonical/generated/types';
import { resumeCommitment } from '../../../domain/commitment/evaluation';
import { sourcingRef } from '../../../domain/commitment/steps';
import type { SourcingRequest } from '../../../domain/ports/procurement';
import { DEFAULT_PROCUREMENT_POLICY } from '../../../domain/procurement/policy';
import { forecastExceptionEvent } from '../../functions/consumer-fixtures';

const event = forecastExceptionEvent('EXC-RESUME-1') as ForecastExceptionRaisedV1;

function ownRequest(status: SourcingRequest['status']): SourcingRequest {
  return {
    requestId: 'SR-000007',
    externalRef: sourcingRef(event.data),
    createdAt: '2026-12-04T21:05:33.123Z',
    itemCode: event.data.itemCode,
    site: event.data.site,
    status,
    quantityEa: '120',
    needBy: '2026-12-20',
    supplierNumber: 'S-1001',
    unitPrice: '3.10',
    currency: 'USD',
  };
}

function ports(requests: SourcingRequest[], posted = false) {
  return {
    procurement: {
      listSourcingRequests: vi.fn(async (_criteria: object, _options?: object) => requests),
      awardPurchaseOrder: vi.fn(async () => ({ poNumber: 'PO-2026-000042' })),
    },
    commitments: { findByPoNumber: vi.fn(async () => (posted ? { poNumber: 'PO-2026-000042' } : undefined)) },
    supply: { openLines: vi.fn(async () => []) },
    policy: DEFAULT_PROCUREMENT_POLICY,
    publish: vi.fn(async () => undefined),
    startCommitment: vi.fn(async () => undefined),
    settings: {},
    tenantId: 'acme',
    now: () => new Date('2026-12-04T22:00:00Z'),
    newId: () => '10000000-0000-4000-8000-000000000001',
    metric: vi.fn(),
  };
}

type ResumePorts = Parameters<typeof resumeCommitment>[1];

describe('resuming a commitment that died with its runtime', () => {
  it('own request still open (stopped before the award): starts the commitment again on it', async () => {
    const p = ports([ownRequest('open')]);
    expect(await resumeCommitment(event, p as unknown as ResumePorts)).toBe('RESUMED');
    expect(p.startCommitment).toHaveBeenCalledWith(
      expect.objectContaining({
        action: { kind: 'create', quantityEa: '120', needBy: '2026-12-20' },
        event: expect.objectContaining({ correlationId: event.correlationId }),
      }),
    );
    expect(p.procurement.awardPurchaseOrder).not.toHaveBeenCalled();
  });

  it('awarded but never posted (stopped between the award and the ERP post): starts it again', async () => {
    const p = ports([ownRequest('awarded')], false);
    expect(await resumeCommitment(event, p as unknown as ResumePorts)).toBe('RESUMED');
    // The posting step's own Idempotency-Key: the platform answers the order it issued.
    expect(p.procurement.awardPurchaseOrder).toHaveBeenCalledWith(
      { sourcingRequestId: 'SR-000007', externalRef: 'SL-PO-SR-000007-20261204T210533123Z' },
      { idempotencyKey: 'po-create:SR-000007' },
    );
    expect(p.commitments.findByPoNumber).toHaveBeenCalledWith('PO-2026-000042');
    expect(p.startCommitment).toHaveBeenCalledTimes(1);
  });

  it('awarded and posted, or cancelled: it reached its outcome, nothing starts', async () => {
    const posted = ports([ownRequest('awarded')], true);
    expect(await resumeCommitment(event, posted as unknown as ResumePorts)).toBe('NOTHING_TO_RESUME');
    expect(posted.startCommitment).not.toHaveBeenCalled();
    const cancelled = ports([ownRequest('cancelled')]);
    expect(await resumeCommitment(event, cancelled as unknown as ResumePorts)).toBe('NOTHING_TO_RESUME');
    expect(cancelled.startCommitment).not.toHaveBeenCalled();
    expect(cancelled.procurement.awardPurchaseOrder).not.toHaveBeenCalled();
  });

  it('no request of its own (stopped before sourcing): evaluates it again, listing every status', async () => {
    const p = ports([]);
    const outcome = await resumeCommitment(event, p as unknown as ResumePorts);
    expect(p.procurement.listSourcingRequests.mock.calls[0]?.[0]).toEqual({
      itemCode: event.data.itemCode,
      site: event.data.site,
    });
    // The fresh evaluation lists open requests only, as any evaluation does.
    expect(p.procurement.listSourcingRequests.mock.calls[1]?.[0]).toMatchObject({ status: 'open' });
    // The fixture's exception is actionable and nothing covers it: a new commitment, as at first.
    expect(outcome).toBe('EVALUATED');
    expect(p.startCommitment).toHaveBeenCalledWith(
      expect.objectContaining({ action: expect.objectContaining({ kind: 'create' }) }),
    );
  });
});
