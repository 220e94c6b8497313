/**
 * Replay and the CLI on the local runtime over a real dev synth (fauxqs, our EventBridge bus,
 * archive and endpoint, dynalite, the bundled functions): replayed events carry `replay-name`, the
 * consumers count them as replays and suppress the already-handled business changes, so replaying
 * changes nothing; the CLI reaches the same runtime through a state file with the same SDK calls.
 */
import { operationsState } from '../../local/operations-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime/runtime';
import { run } from '../../ops/cli';
import { writeLocalRuntimeState } from '../../ops/local-state';
import { replay } from '../../ops/replay';
import { buildTopology, inventoryFromTemplate, type StackTopology } from '../../ops/topology';
import { synthesizeDev } from '../../local/synth';
import { integrationExceptionRaised, poisonedForecastException, putEvents } from './events';

let runtime: LocalRuntime;
let topology: StackTopology;
let stateDir: string;
let stateFile: string;

beforeAll(async () => {
  runtime = await startLocalRuntime({
    cdkOut: await synthesizeDev(),
    functionLogs: 'silent',
    pollWaitSeconds: 1,
    log: () => undefined,
    dashboard: false,
    overrides: { TENANT_ID: 'local' },
  });
  topology = buildTopology(inventoryFromTemplate(runtime.model));
  stateDir = mkdtempSync(join(tmpdir(), 'supplyline-ops-'));
  stateFile = join(stateDir, 'local-runtime.json');
  writeLocalRuntimeState(operationsState(runtime), stateFile);
});

afterAll(async () => {
  await runtime?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const exceptionsTable = () => topology.tables.integrationExceptions!;
async function storedExceptions() {
  const { Items = [] } = await runtime.clients.dynamodb.send(
    new ScanCommand({ TableName: exceptionsTable() }),
  );
  return Items.map((item) => ({
    id: item.exceptionId?.S,
    status: item.status?.S,
    resolvedBy: item.resolvedBy?.S,
  }));
}

/** Runs the CLI against this runtime; returns exit code and output. */
async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run([...args, '--state-file', stateFile], {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('replay', () => {
  it('replays the window to the rules of one event type; the consumers suppress every already-handled change', async () => {
    const from = new Date(Date.now() - 1000);
    const raised = [integrationExceptionRaised(), integrationExceptionRaised(), integrationExceptionRaised()];
    await putEvents(runtime.clients.eventBridge, topology.bus.name, raised);
    await until('the three exceptions recorded', async () =>
      (await storedExceptions()).length === 3 ? true : undefined,
    );
    const before = await storedExceptions();

    const report = await replay(
      runtime.clients,
      topology,
      {
        from,
        to: new Date(Date.now() + 1000),
        eventType: 'integration-exception.raised',
        replayName: 'ops-test-1',
      },
      { pollMs: 200, settleMs: 1500 },
    );

    expect(report).toMatchObject({
      replayName: 'ops-test-1',
      state: 'COMPLETED',
      rules: [expect.stringContaining('IntegrationExceptionRecorderRule')],
      replayed: 3,
      duplicatesSuppressed: 3,
      applied: 0,
      settled: true,
    });
    // Each replayed event went back on the bus marked with the replay's name.
    const replayed = runtime.busActivity.filter((a) => a.type === 'replayed');
    expect(replayed.map((a) => (a.type === 'replayed' ? a.event['replay-name'] : undefined))).toEqual([
      'ops-test-1',
      'ops-test-1',
      'ops-test-1',
    ]);
    expect(
      replayed
        .map((a) => (a.type === 'replayed' ? (a.event.detail as { eventId: string }).eventId : ''))
        .sort(),
    ).toEqual(raised.map((r) => r.detail.eventId).sort());
    // No duplicate effects: the same three exceptions, unchanged.
    expect(await storedExceptions()).toEqual(before);
  });

  it('rejects an event type no rule accepts', async () => {
    await expect(
      replay(runtime.clients, topology, {
        from: new Date(Date.now() - 60_000),
        to: new Date(),
        eventType: 'nothing.happened',
      }),
    ).rejects.toThrow("no rule of supplyline-dev accepts event type 'nothing.happened'");
  });
});

describe('the CLI on the local runtime (--state-file)', () => {
  it('dlq list / show / redrive --dry-run on a poisoned event', async () => {
    await putEvents(runtime.clients.eventBridge, topology.bus.name, [
      poisonedForecastException('cli-poison'),
    ]);
    await until('the poisoned event in the DLQ', () =>
      runtime.queueDepths()['supplyline-dev-forecast-exception-evaluation-dlq']!.visible === 1
        ? true
        : undefined,
    );

    const list = await cli('dlq', 'list', '--json');
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.out) as { queue: string; depth: number }[];
    // Every queue no function drains is a DLQ (processing or delivery) and is listed once.
    const drained = new Set(runtime.model.eventSourceMappings.map((m) => m.queueArn));
    expect(rows.map((r) => r.queue).sort()).toEqual(
      runtime.model.queues
        .filter((q) => !drained.has(q.arn))
        .map((q) => q.name)
        .sort(),
    );
    expect(rows.filter((r) => r.depth > 0)).toEqual([
      expect.objectContaining({ queue: 'supplyline-dev-forecast-exception-evaluation-dlq', depth: 1 }),
    ]);

    const show = await cli('dlq', 'show', 'forecast-exception-evaluation');
    expect(show.code).toBe(0);
    expect(show.out).toMatch(
      /processing\s+forecast-exception\.raised\s+cli-poison\s+contract\s+detail is not a valid/,
    );

    const dry = await cli(
      'dlq',
      'redrive',
      'forecast-exception-evaluation',
      '--dry-run',
      '--correlation-id',
      'cli-poison',
    );
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(
      'Dry run: would move 1 message(s) back to supplyline-dev-forecast-exception-evaluation; 0 left in the DLQ by the filter',
    );
    expect(runtime.queueDepths()['supplyline-dev-forecast-exception-evaluation-dlq']!.visible).toBe(1);
  });

  it('exceptions list and resolve through the governed API', async () => {
    const open = await cli('exceptions', 'list', '--status', 'OPEN', '--json');
    expect(open.code).toBe(0);
    const items = JSON.parse(open.out) as { exceptionId: string; ageSeconds: number }[];
    expect(items.length).toBeGreaterThanOrEqual(3);
    const id = items[0]!.exceptionId;

    const resolved = await cli('exceptions', 'resolve', id, '--reason', 'Supplier unblocked in the ERP');
    expect(resolved).toMatchObject({ code: 0 });
    expect(resolved.out).toMatch(new RegExp(`^Resolved ${id} at \\d{4}-`));
    const stored = await until('the resolution recorded', async () => {
      const exception = (await storedExceptions()).find((e) => e.id === id);
      return exception?.status === 'RESOLVED' ? exception : undefined;
    });
    // The resolver is the CLI's token caller (its application client), not a name it claims.
    expect(stored.resolvedBy).toBe('ops-cli');
    const claimed = await cli('exceptions', 'resolve', id, '--reason', 'x', '--by', 'someone');
    expect(claimed.code).toBe(2);
    const again = await cli('exceptions', 'resolve', id, '--reason', 'twice');
    expect(again.code).toBe(1);
    expect(again.err).toContain('answered 409');

    const table = await cli('exceptions', 'list');
    expect(table.out).toMatch(/^ID\s+STATUS\s+AGE\s+CATEGORY/);
    expect(table.out).toMatch(/\n\d+ open, 1 resolved$/);
  });

  it('status purchase-order answers 404 as an error for an unknown order', async () => {
    const status = await cli('status', 'purchase-order', 'SL-PO-UNKNOWN');
    expect(status.code).toBe(1);
    expect(status.err).toContain('answered 404');
  });

  it('prints help for every command and refuses a missing argument', async () => {
    for (const command of [[], ['dlq', 'redrive'], ['replay'], ['exceptions', 'resolve'], ['status']]) {
      const help = await cli(...command, '--help');
      expect(help.code).toBe(0);
      expect(help.out).toMatch(/^(Usage|Supplyline operations)/);
    }
    const missing = await cli('exceptions', 'resolve', 'EXC-1');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--reason is required');
  });
});
