/**
 * The webhook quarantine end to end on the local runtime: signed deliveries through the real HTTP
 * route and the bundled webhook function, kept in the quarantine table the template declares, then
 * listed, inspected and re-submitted with the operations CLI (`--state-file`, as `--local`) and the
 * local dashboard's routes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalEnvironment, type LocalEnvironment } from '../../local/environment';
import { operationsState } from '../../local/operations-state';
import { sessionCookie, signInToDashboard } from '../local/dashboard/support';
import { run } from '../../ops/cli';
import { writeLocalRuntimeState } from '../../ops/local-state';
import { exceptionDelivery, freshExceptionId, postPlanning, raisedFor } from './support';

const PLANNING_SECRET = 'e2e-quarantine-signing-secret';
let environment: LocalEnvironment;
let stateDir: string;

beforeAll(async () => {
  environment = await startLocalEnvironment({
    settings: { port: 0, planningWebhookSecret: PLANNING_SECRET },
    quietFunctions: true,
    log: () => undefined,
  });
  stateDir = mkdtempSync(join(tmpdir(), 'supplyline-quarantine-e2e-'));
  writeLocalRuntimeState(operationsState(environment.runtime), join(stateDir, 'state.json'));
}, 300_000);

afterAll(async () => {
  await environment?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

/** The operations CLI on this runtime, `--json`: its exit code and parsed output. */
async function ops(...args: string[]): Promise<{ code: number; output: unknown }> {
  let out = '';
  const code = await run([...args, '--state-file', join(stateDir, 'state.json'), '--json'], {
    out: (text) => (out += text),
    err: () => undefined,
  });
  return { code, output: out ? (JSON.parse(out) as unknown) : undefined };
}

type Listed = { quarantineId: string; attempts: number; status: string; reason: { status: number } };

async function listed(id: string, status = 'open'): Promise<Listed | undefined> {
  const { output } = await ops('quarantine', 'list', '--status', status);
  return (output as Listed[]).find((record) => record.quarantineId === id);
}

/** The local dashboard's JSON routes. */
async function dashboard(
  path: string,
  method = 'GET',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const base = environment.runtime.dashboardUrl!;
  // A POST carries this start's token, read from the page as the dashboard's own script does, and
  // the session of a person signed in through the local provider.
  const page = method === 'POST' ? await (await fetch(base)).text() : '';
  const token = /<meta name="dashboard-token" content="([^"]+)"/.exec(page)?.[1] ?? '';
  const session = method === 'POST' ? sessionCookie(await signInToDashboard(base, 'ava.approver')) : '';
  const response = await fetch(`${base}${path}`, {
    method,
    ...(method === 'POST'
      ? {
          headers: {
            'content-type': 'application/json',
            'x-dashboard-token': token,
            cookie: `supplyline_dashboard_session=${session}`,
          },
          body: '{}',
        }
      : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('webhook quarantine on the local runtime', () => {
  it('keeps a signed delivery refused for its content; listed, inspected, and re-submitted it stays refused with one more attempt', async () => {
    const deliveryId = `e2e-refused-${Date.now()}`;
    const body = JSON.stringify({ event_id: deliveryId, plan: { plan_id: 'E2E-PLAN' } });
    const refused = await postPlanning(environment, body, { deliveryId });
    expect(refused.status).toBe(422);
    expect(refused.contentType).toBe('application/problem+json');

    const id = `planning-${deliveryId}`;
    expect(await listed(id)).toMatchObject({ attempts: 1, status: 'open', reason: { status: 422 } });
    const shown = (await ops('quarantine', 'show', id)).output as Record<string, unknown>;
    expect(shown).toMatchObject({ body, system: 'planning', eventType: 'forecast.exception', deliveryId });

    // The dashboard lists it and inspects it; its Re-submit is the CLI's.
    const state = await dashboard('/api/state');
    expect((state.body.quarantine as Listed[]).map((record) => record.quarantineId)).toContain(id);
    expect((await dashboard(`/api/quarantine/${id}`)).body).toMatchObject({ body });
    const fromDashboard = await dashboard(`/api/quarantine/${id}/resubmit`, 'POST');
    expect(fromDashboard.body).toMatchObject({ outcome: 'refused', status: 422, resolved: false });

    const fromCli = await ops('quarantine', 'resubmit', id);
    expect(fromCli.code).toBe(1);
    expect(fromCli.output).toMatchObject({ outcome: 'refused', status: 422, resolved: false });
    expect(await listed(id)).toMatchObject({ attempts: 3, status: 'open' });
  });

  it('keeps a delivery that failed with 503 (bus unreachable); re-submitted after the fault is gone it is published once and resolved', async () => {
    const { runtime } = environment;
    const webhook = runtime.functionName('PlanningWebhook');
    const exceptionId = freshExceptionId('QUARANTINE');
    const deliveryId = `e2e-failed-${Date.now()}`;
    runtime.lambda.injectFault(webhook, { beforeCallTo: 'eventbridge', action: 'fail' });
    const failed = await postPlanning(environment, exceptionDelivery(exceptionId), { deliveryId });
    expect(failed.status).toBe(503);
    expect(raisedFor(environment, exceptionId)).toEqual([]);

    const id = `planning-${deliveryId}`;
    expect(await listed(id)).toMatchObject({ attempts: 1, reason: { status: 503 } });

    const resubmitted = await ops('quarantine', 'resubmit', id);
    expect(resubmitted).toEqual({
      code: 0,
      output: { quarantineId: id, outcome: 'accepted', status: 202, resolved: true },
    });
    const again = await ops('quarantine', 'resubmit', id);
    expect(again.output).toMatchObject({ outcome: 'duplicate', resolved: true });

    expect(raisedFor(environment, exceptionId)).toHaveLength(1);
    expect(await listed(id)).toBeUndefined();
    expect(await listed(id, 'resolved')).toMatchObject({ status: 'resolved' });
  });

  it('counts a delivery with a wrong signature and keeps nothing of it', async () => {
    const deliveryId = `e2e-forged-${Date.now()}`;
    const forged = await postPlanning(environment, exceptionDelivery(freshExceptionId('FORGED')), {
      deliveryId,
      secret: 'not-the-secret',
    });
    expect(forged.status).toBe(401);
    expect((await ops('quarantine', 'show', `planning-${deliveryId}`)).code).toBe(1);
  });
});

// Last: every path above ran with the roles' IAM policies enforced (local/iam); a refused call some
// path tolerated (retried, quarantined, sent to a DLQ) would be a grant missing in AWS.
describe('IAM', () => {
  it("made no call a function's role does not allow", () => {
    expect(environment.runtime.accessDenials).toEqual([]);
  });
});
