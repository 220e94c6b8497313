import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mapForecastException } from '../../adapters/planning/mapping';
import { evaluateForecastException } from '../../domain/commitment/evaluation';
import {
  checkCommitmentPolicies,
  postPurchaseOrder,
  procurementInstanceTag,
  purchaseOrderRef,
  sourceTheNeed,
} from '../../domain/commitment/steps';
import type { CommitmentState, PostedPurchaseOrder } from '../../domain/commitment/types';
import type { ErpPort } from '../../domain/ports/erp';
import { nextBucket } from '../../local/scenario/seed-scenario';
import { ErpSimulator } from '../../local/simulators/erp/erp-simulator';
import { TrytonErpAdmin, type ErpAdmin } from '../../scripts/tryton/admin';
import { forecastExceptionDelivery } from '../fixtures/planning';
import { startHarness, type Harness } from '../support/commitment-harness';
import { startTryton, type TrytonSandbox } from '../support/tryton';
import { singleErp } from '../../domain/business-units';

const context = { tenantId: 'acme', now: () => new Date(), newId: () => crypto.randomUUID() };

/**
 * The workflow input the evaluation starts for the same forecast exception each time: a reset
 * procurement sandbox sees the same business need again.
 */
async function commitmentState(harness: Harness): Promise<CommitmentState> {
  const event = mapForecastException(
    forecastExceptionDelivery({
      exception: { exception_id: 'EXC-RESET-1', bucket: { ...nextBucket(), granularity: 'week' } },
    }),
    context,
  );
  let started: CommitmentState | undefined;
  await evaluateForecastException(event, {
    ...harness.ports,
    settings: { approvalTimeoutSeconds: 3600, acknowledgementTimeoutSeconds: 3600 },
    startCommitment: async (input) => void (started = input),
  });
  if (!started) throw new Error('the exception started no commitment');
  return started;
}

describe('purchaseOrderRef', () => {
  it('joins the request id and its creation time, whatever offset the vendor wrote', () => {
    expect(purchaseOrderRef({ requestId: 'SR-000001', createdAt: '2026-12-04T21:05:33.123Z' })).toBe(
      'SL-PO-SR-000001-20261204T210533123Z',
    );
    expect(purchaseOrderRef({ requestId: 'SR-000001', createdAt: '2026-12-04T22:05:33.123+01:00' })).toBe(
      'SL-PO-SR-000001-20261204T210533123Z',
    );
  });

  it('keeps the old format for a commitment whose state has no creation time (started before it)', () => {
    expect(purchaseOrderRef({ requestId: 'SR-000001' })).toBe('SL-PO-SR-000001');
  });

  it('puts the procurement instance first; a state without one (started before it) keeps `SL-PO-<id>-<created at>`', () => {
    const request = { requestId: 'SR-000001', createdAt: '2026-12-04T21:05:33.123Z' };
    expect(purchaseOrderRef({ ...request, instance: 'VJ7YNO' })).toBe(
      'SL-PO-VJ7YNO-SR-000001-20261204T210533123Z',
    );
    expect(purchaseOrderRef(request)).toBe('SL-PO-SR-000001-20261204T210533123Z');
  });
});

describe('procurementInstanceTag', () => {
  it('is 6 base32 characters, the same for the same instance and client, different for another of either', () => {
    const tag = procurementInstanceTag('https://procurement.example.com', 'supplyline');
    expect(tag).toMatch(/^[A-Z2-7]{6}$/);
    expect(procurementInstanceTag('https://PROCUREMENT.example.com/', 'supplyline')).toBe(tag);
    expect(procurementInstanceTag('https://sandbox.procurement.example.com', 'supplyline')).not.toBe(tag);
    expect(procurementInstanceTag('https://procurement.example.com', 'supplyline-eu')).not.toBe(tag);
  });

  it('spreads instances over its 30 bits: 2,000 sandbox URLs, no two alike', () => {
    const tags = new Set(
      Array.from({ length: 2000 }, (_, n) =>
        procurementInstanceTag(`https://sandbox-${n}.example.com`, 'supplyline'),
      ),
    );
    expect(tags.size).toBe(2000);
  });
});

// Each run of `post` is one procurement sandbox (a fresh simulator: ids start again at SR-000001)
// posting to the same ERP, as after a reset of the procurement sandbox.
function referenceAcrossResets(
  name: string,
  open: () => Promise<{ erp: ErpPort & ErpAdmin; close(): Promise<void> }>,
) {
  describe(`ERP references across procurement resets: ${name}`, () => {
    let erp: (ErpPort & ErpAdmin) | undefined;
    let closeErp: (() => Promise<void>) | undefined;
    const harnesses: Harness[] = [];
    beforeAll(async () => {
      ({ erp, close: closeErp } = await open());
    });
    afterAll(async () => closeErp?.());
    afterEach(async () => {
      await Promise.all(harnesses.splice(0).map((h) => h.close()));
    });

    async function post(harness: Harness, state: CommitmentState): Promise<PostedPurchaseOrder> {
      const ports = { ...harness.ports, erps: singleErp(erp!) };
      const sourcing = state.sourcing ?? (await sourceTheNeed(state, ports));
      const policy = state.policy ?? (await checkCommitmentPolicies({ ...state, sourcing }, ports));
      return postPurchaseOrder({ ...state, sourcing, policy }, ports);
    }

    it('a request id seen again after a reset gets its own ERP order; a retried posting posts once', async () => {
      const before = await startHarness();
      harnesses.push(before);
      const state = await commitmentState(before);
      const sourcing = await sourceTheNeed(state, { ...before.ports, erps: singleErp(erp!) });
      const policy = await checkCommitmentPolicies(
        { ...state, sourcing },
        { ...before.ports, erps: singleErp(erp!) },
      );
      const first = await post(before, { ...state, sourcing, policy });
      // The retry of the same posting (the Task state's Retry, or a redrive) carries the same state.
      const retried = await post(before, { ...state, sourcing, policy });

      const after = await startHarness();
      harnesses.push(after);
      // The sandbox is reset a minute later: its clock has moved on, its ids start again.
      after.procurement.advanceClock(60_000);
      const second = await post(after, await commitmentState(after));

      expect(first.sourcingRequestId).toBe('SR-000001');
      expect(second.sourcingRequestId).toBe('SR-000001');
      expect(second.externalRef).not.toBe(first.externalRef);
      expect(second.erpNumber).not.toBe(first.erpNumber);
      expect(retried.erpNumber).toBe(first.erpNumber);
      expect(await erp!.countPurchaseOrders(first.externalRef)).toBe(1);
      expect(await erp!.countPurchaseOrders(second.externalRef)).toBe(1);
      expect((await erp!.findPurchaseOrder(second.externalRef))?.number).toBe(second.erpNumber);
      // Procurement and ERP share the reference.
      expect(after.procurement.purchaseOrders().map((po) => po.external_ref)).toEqual([second.externalRef]);
    });

    it('the same request id created at the same instant on two procurement instances gets two ERP orders', async () => {
      const first = await startHarness({ procurementInstance: true });
      const second = await startHarness({ procurementInstance: true });
      harnesses.push(first, second);
      const sourcingOn = async (harness: Harness) => {
        const state = await commitmentState(harness);
        const ports = { ...harness.ports, erps: singleErp(erp!) };
        const sourcing = await sourceTheNeed(state, ports);
        return { ...state, sourcing, policy: await checkCommitmentPolicies({ ...state, sourcing }, ports) };
      };
      const onFirst = await sourcingOn(first);
      const onSecond = await sourcingOn(second);
      // Both instances number their first request SR-000001; the second created it the same instant.
      const sameInstant = { ...onSecond.sourcing, createdAt: onFirst.sourcing.createdAt! };
      expect(sameInstant.requestId).toBe(onFirst.sourcing.requestId);
      expect(sameInstant.instance).toBe(procurementInstanceTag(second.procurement.url, 'supplyline'));
      expect(onFirst.sourcing.instance).toBe(procurementInstanceTag(first.procurement.url, 'supplyline'));

      const postedFirst = await post(first, onFirst);
      const postedSecond = await post(second, { ...onSecond, sourcing: sameInstant });
      expect(postedFirst.externalRef).toMatch(/^SL-PO-[A-Z2-7]{6}-SR-000001-\d{8}T\d{9}Z$/);
      expect(postedSecond.externalRef).not.toBe(postedFirst.externalRef);
      expect(postedSecond.erpNumber).not.toBe(postedFirst.erpNumber);
      expect(await erp!.countPurchaseOrders(postedFirst.externalRef)).toBe(1);
      expect(await erp!.countPurchaseOrders(postedSecond.externalRef)).toBe(1);
      expect(second.procurement.purchaseOrders().map((po) => po.external_ref)).toEqual([
        postedSecond.externalRef,
      ]);
    });

    it('a commitment started before the instance tag finds its ERP order under `SL-PO-<id>-<created at>`', async () => {
      const harness = await startHarness({ procurementInstance: true });
      harnesses.push(harness);
      const state = await commitmentState(harness);
      const ports = { ...harness.ports, erps: singleErp(erp!) };
      const { instance, ...untagged } = await sourceTheNeed(state, ports);
      expect(instance).toMatch(/^[A-Z2-7]{6}$/);
      const policy = await checkCommitmentPolicies({ ...state, sourcing: untagged }, ports);
      const first = await post(harness, { ...state, sourcing: untagged, policy });
      const retried = await post(harness, { ...state, sourcing: untagged, policy });
      expect(first.externalRef).toBe(
        purchaseOrderRef({ requestId: untagged.requestId, createdAt: untagged.createdAt! }),
      );
      expect(retried.erpNumber).toBe(first.erpNumber);
      expect(await erp!.countPurchaseOrders(first.externalRef)).toBe(1);
    });

    it('a commitment started before the new format finds its ERP order under the old reference', async () => {
      const harness = await startHarness();
      harnesses.push(harness);
      const state = await commitmentState(harness);
      const ports = { ...harness.ports, erps: singleErp(erp!) };
      const { createdAt: _dropped, ...legacySourcing } = await sourceTheNeed(state, ports);
      const policy = await checkCommitmentPolicies({ ...state, sourcing: legacySourcing }, ports);
      const first = await post(harness, { ...state, sourcing: legacySourcing, policy });
      const retried = await post(harness, { ...state, sourcing: legacySourcing, policy });
      expect(first.externalRef).toBe(`SL-PO-${legacySourcing.requestId}`);
      expect(retried.erpNumber).toBe(first.erpNumber);
      expect(await erp!.countPurchaseOrders(first.externalRef)).toBe(1);
    });
  });
}

referenceAcrossResets('ERP simulator', async () => ({
  erp: new ErpSimulator(),
  close: async () => undefined,
}));

referenceAcrossResets('Tryton 6.0', async () => {
  const tryton: TrytonSandbox = await startTryton();
  const connection = { url: tryton.url, database: tryton.db, user: tryton.user, password: tryton.password };
  return {
    erp: new TrytonErpAdmin(connection),
    async close() {
      try {
        expect(tryton.criticalLines(), `CRITICAL lines in ${tryton.logPath}`).toEqual([]);
      } finally {
        await tryton.stop();
      }
    },
  };
});
