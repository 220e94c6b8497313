/**
 * The posting's own sync lag is measured per ERP instance, as the acknowledgement's is:
 * `planning -> erp` for the primary (the single-ERP name, unchanged) and `planning -> erp:<instance>`
 * for every other business unit, in the ledger and in SyncLagSeconds' SystemPair.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { erpInstances } from '../../domain/business-units';
import { upliftAt } from '../support/business-units';
import { startHarness, WORKFLOWS, type Harness } from '../support/commitment-harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

let sequence = 0;
const context = {
  tenantId: 'acme',
  now: () => new Date(),
  newId: () => `40000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`,
};

/** Posts one commitment for `site` with east and west units (one simulator behind both), recording its lag. */
async function postAt(site: string) {
  harness = await startHarness({
    erps: (recorded) =>
      erpInstances(
        [
          { name: 'east', warehouses: ['WH-EAST', 'WH-NORTH', 'WH-SOUTH'] },
          { name: 'west', warehouses: ['WH-WEST'] },
        ],
        () => recorded,
      ),
  });
  const recordConfirmation = vi.fn(async () => 12);
  const recordSourceChange = vi.fn(async () => undefined);
  const metric = vi.fn();
  Object.assign(harness.ports.ledger, { recordConfirmation, recordSourceChange });
  harness.ports.metric = metric;
  await harness.evaluate(upliftAt(site, `EXC-LAG-${site}-${++sequence}`, context));
  for (let i = 0; i < 1000; i++) {
    const [execution] = harness.sfn
      .listExecutions()
      .filter((e) => e.stateMachineName === WORKFLOWS.commitment);
    if (execution && execution.status !== 'RUNNING') {
      expect(execution.status).toBe('SUCCEEDED');
      return { recordConfirmation, recordSourceChange, metric };
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the commitment did not end');
}

/** The posting at `site` recorded its lag on the pair `planning -> to`, in the ledger and the metric. */
async function expectPostingLag(site: string, to: string) {
  const { recordConfirmation, recordSourceChange, metric } = await postAt(site);
  for (const recorded of [recordSourceChange, recordConfirmation])
    expect(recorded).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ from: 'planning', to }),
    );
  expect(metric).toHaveBeenCalledWith('SyncLagSeconds', 12, 'Seconds', {
    ObjectType: 'purchase-order',
    SystemPair: `planning-${to}`,
  });
}

describe('the posting sync lag per ERP instance', () => {
  it('is planning -> erp:west for a west warehouse', () => expectPostingLag('DC-WEST-01', 'erp:west'));

  it('keeps the single-ERP pair planning -> erp for the primary instance', () =>
    expectPostingLag('DC-EAST-02', 'erp'));
});
