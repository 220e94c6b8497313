/**
 * Purchase requisitions in the domain: a submission is idempotent on the requester's key (the same
 * body answers the same requisition and starts its workflow once; another body is refused), and a
 * cancellation is the requester's, only while nothing is committed.
 */
import { describe, expect, it } from 'vitest';
import type { CancelOutcome, RequisitionBook } from '../../../domain/ports/requisitions';
import {
  cancelRequisition,
  isIdempotencyKey,
  requisitionIdFor,
  submitRequisition,
  type Requisition,
  type RequisitionSubmission,
} from '../../../domain/requisition/requisition';

const submission = (overrides: Partial<RequisitionSubmission> = {}): RequisitionSubmission => ({
  itemCode: 'SKU-10442',
  site: 'DC-EAST-02',
  quantityEa: '480',
  needBy: '2026-12-20',
  justification: 'Holiday promotion at the east DC',
  ...overrides,
});

/** A book in memory with the conditional writes' semantics. */
function memoryBook() {
  const kept = new Map<string, Requisition>();
  const book: Pick<RequisitionBook, 'create' | 'markStarted' | 'get' | 'cancel'> = {
    create: async (requisition) => {
      const existing = kept.get(requisition.requisitionId);
      if (existing) return { created: false, existing: structuredClone(existing) };
      kept.set(requisition.requisitionId, structuredClone(requisition));
      return { created: true };
    },
    markStarted: async (id) => void (kept.get(id)!.started = true),
    get: async (id) => structuredClone(kept.get(id)),
    cancel: async (id, step): Promise<CancelOutcome> => {
      const requisition = kept.get(id);
      if (!requisition) return { kind: 'not-found' };
      if (
        requisition.committedAt ||
        !['submitted', 'sourced', 'awaiting-approval'].includes(requisition.status)
      )
        return { kind: 'refused', requisition };
      requisition.status = 'cancelled';
      requisition.path.push(step);
      return { kind: 'cancelled', requisition: structuredClone(requisition) };
    },
  };
  return { book, kept };
}

const now = () => new Date('2026-12-05T06:00:00.000Z');

/** Submission ports that note each workflow start. */
function recording(book: ReturnType<typeof memoryBook>['book']) {
  const started: string[] = [];
  return {
    started,
    ports: { book, now, startCommitment: async (r: Requisition) => void started.push(r.requisitionId) },
  };
}

describe('submitting a requisition', () => {
  it('records the requester and starts the commitment workflow once per key and body', async () => {
    const { book, kept } = memoryBook();
    const { started, ports } = recording(book);

    const first = await submitRequisition(
      submission(),
      { idempotencyKey: 'k-1', requestedBy: 'rita' },
      ports,
    );
    const again = await submitRequisition(
      submission(),
      { idempotencyKey: 'k-1', requestedBy: 'rita' },
      ports,
    );

    expect(first).toMatchObject({ kind: 'accepted', replayed: false });
    expect(again).toMatchObject({ kind: 'accepted', replayed: true });
    if (first.kind !== 'accepted' || again.kind !== 'accepted') throw new Error('accepted expected');
    expect(again.requisition.requisitionId).toBe(first.requisition.requisitionId);
    expect(first.requisition).toMatchObject({
      status: 'submitted',
      requestedBy: 'rita',
      submittedAt: '2026-12-05T06:00:00.000Z',
      path: [{ step: 'submission', at: '2026-12-05T06:00:00.000Z', outcome: 'submitted by rita' }],
    });
    expect(started).toEqual([first.requisition.requisitionId]);
    expect(kept.size).toBe(1);
  });

  it('refuses the same key with another body, changing nothing', async () => {
    const { book, kept } = memoryBook();
    const { started, ports } = recording(book);
    await submitRequisition(submission(), { idempotencyKey: 'k-1', requestedBy: 'rita' }, ports);
    const before = structuredClone([...kept.values()]);

    const reused = await submitRequisition(
      submission({ quantityEa: '960' }),
      { idempotencyKey: 'k-1', requestedBy: 'rita' },
      ports,
    );

    expect(reused).toEqual({ kind: 'key-reused', requisitionId: requisitionIdFor('rita', 'k-1') });
    expect([...kept.values()]).toEqual(before);
    expect(started).toHaveLength(1);
  });

  it('starts the workflow on a replay when the first attempt stopped before starting it', async () => {
    const { book } = memoryBook();
    const started: string[] = [];
    let down = true;
    const ports = {
      book,
      now,
      startCommitment: async (r: Requisition) => {
        if (down) throw new Error('Step Functions unavailable');
        started.push(r.requisitionId);
      },
    };
    await expect(
      submitRequisition(submission(), { idempotencyKey: 'k-1', requestedBy: 'rita' }, ports),
    ).rejects.toThrow('unavailable');
    down = false;
    await submitRequisition(submission(), { idempotencyKey: 'k-1', requestedBy: 'rita' }, ports);
    await submitRequisition(submission(), { idempotencyKey: 'k-1', requestedBy: 'rita' }, ports);
    expect(started).toEqual([requisitionIdFor('rita', 'k-1')]);
  });

  it('keeps each caller’s keys apart, and ids in the published form', () => {
    expect(requisitionIdFor('rita', 'k-1')).toMatch(/^PR-[A-Z2-7]{26}$/);
    expect(requisitionIdFor('rita', 'k-1')).toBe(requisitionIdFor('rita', 'k-1'));
    expect(requisitionIdFor('wms', 'k-1')).not.toBe(requisitionIdFor('rita', 'k-1'));
    expect(isIdempotencyKey('order-2026-12-05#1')).toBe(true);
    for (const bad of [undefined, '', 'a b', 'x'.repeat(201), 'é']) expect(isIdempotencyKey(bad)).toBe(false);
  });
});

describe('cancelling a requisition', () => {
  async function submitted(status: Requisition['status'] = 'submitted', extra: Partial<Requisition> = {}) {
    const { book, kept } = memoryBook();
    await submitRequisition(
      submission(),
      { idempotencyKey: 'k-1', requestedBy: 'rita' },
      {
        book,
        now,
        startCommitment: async () => undefined,
      },
    );
    const requisition = [...kept.values()][0]!;
    Object.assign(requisition, { status, ...extra });
    const cancelled: string[] = [];
    const withdrawn: string[] = [];
    const ports = {
      book,
      now,
      approvals: {
        withdraw: async (approvalId: string, withdrawal: { by: string; at: string; reason: string }) => {
          withdrawn.push(`${approvalId} by ${withdrawal.by}: ${withdrawal.reason}`);
          return true;
        },
      },
      procurement: {
        cancelSourcingRequest: async (requestId: string, options: { idempotencyKey: string }) => {
          cancelled.push(`${requestId} ${options.idempotencyKey}`);
          return {} as never;
        },
      },
    };
    return { id: requisition.requisitionId, kept, cancelled, withdrawn, ports };
  }

  it('cancels it and its sourcing request while nothing is committed', async () => {
    const { id, kept, cancelled, ports } = await submitted('awaiting-approval');
    kept.get(id)!.references.sourcingRequest = 'SR-000007';
    const outcome = await cancelRequisition(id, 'rita', ports);
    expect(outcome).toMatchObject({ kind: 'cancelled', requisition: { status: 'cancelled' } });
    if (outcome.kind !== 'cancelled') throw new Error('cancelled expected');
    expect(outcome.requisition.path.at(-1)).toEqual({
      step: 'cancellation',
      at: '2026-12-05T06:00:00.000Z',
      outcome: 'cancelled by rita',
    });
    expect(cancelled).toEqual(['SR-000007 sr-cancel:SR-000007']);
    // Again: the same answer, and procurement asked again with the same key (a no-op there).
    expect(await cancelRequisition(id, 'rita', ports)).toMatchObject({ kind: 'cancelled' });
    expect(cancelled).toEqual(['SR-000007 sr-cancel:SR-000007', 'SR-000007 sr-cancel:SR-000007']);
  });

  it('withdraws the approval it awaits, so nobody decides it and no rejection or time-out follows', async () => {
    const { id, kept, withdrawn, ports } = await submitted('awaiting-approval');
    kept.get(id)!.references.approval = 'APR-1';
    await cancelRequisition(id, 'rita', ports);
    expect(withdrawn).toEqual([`APR-1 by rita: requisition ${id} cancelled`]);
    // Again (the first may have stopped before the workflow answered): withdrawn again, a no-op there.
    await cancelRequisition(id, 'rita', ports);
    expect(withdrawn).toHaveLength(2);
  });

  it('withdraws nothing for a requisition not yet awaiting approval', async () => {
    const { id, withdrawn, ports } = await submitted('submitted');
    await cancelRequisition(id, 'rita', ports);
    expect(withdrawn).toEqual([]);
  });

  it('refuses anyone but the requester, and a committed requisition, changing nothing', async () => {
    const other = await submitted();
    const before = structuredClone([...other.kept.values()]);
    expect(await cancelRequisition(other.id, 'sam', other.ports)).toEqual({ kind: 'not-requester' });
    expect([...other.kept.values()]).toEqual(before);

    const committed = await submitted('awaiting-approval', { committedAt: '2026-12-05T06:01:00.000Z' });
    const kept = structuredClone([...committed.kept.values()]);
    expect(await cancelRequisition(committed.id, 'rita', committed.ports)).toMatchObject({ kind: 'refused' });
    expect([...committed.kept.values()]).toEqual(kept);
    expect(committed.cancelled).toEqual([]);
    expect(committed.withdrawn).toEqual([]);

    const ordered = await submitted('ordered');
    expect(await cancelRequisition(ordered.id, 'rita', ordered.ports)).toMatchObject({ kind: 'refused' });
    expect(await cancelRequisition('PR-AAAAAAAAAAAAAAAAAAAAAAAAAA', 'rita', ordered.ports)).toEqual({
      kind: 'not-found',
    });
  });
});
