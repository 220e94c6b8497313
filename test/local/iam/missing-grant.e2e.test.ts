/**
 * A missing grant fails locally as it would in AWS. The real dev synth, once as synthesized and
 * once with ONE grant removed from one function's role (the planning webhook's events:PutEvents on
 * the bus): the same signed delivery is accepted by the first and refused by the second, whose
 * PutEvents the local runtime answers with EventBridge's AccessDeniedException, logged with the
 * function, the action and the bus.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findStackTemplate } from '../../../assembly';
import { startLocalRuntime, type LocalRuntime } from '../../../local/runtime/runtime';
import { synthesizeDev } from '../../../local/synth';
import { postPlanning } from '../../e2e/support';
import { forecastExceptionDelivery } from '../../fixtures/planning';

const SECRETS = {
  planningWebhookSigningCurrent: 'planning-current-secret',
  planningWebhookSigningPrevious: 'planning-previous',
};

interface Statement {
  Action: string | string[];
  [key: string]: unknown;
}
interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

/** A copy of the assembly (assets linked) whose template lacks `action` in the role of `functionConstructId`. */
function withoutGrant(cdkOut: string, functionConstructId: string, action: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'supplyline-missing-grant-'));
  const { path } = findStackTemplate(cdkOut);
  const templateFile = path.slice(cdkOut.length + 1);
  for (const entry of readdirSync(cdkOut))
    if (entry !== templateFile) symlinkSync(join(cdkOut, entry), join(copy, entry));
  const template = JSON.parse(readFileSync(path, 'utf8')) as { Resources: Record<string, Resource> };
  const [, fn] = Object.entries(template.Resources).find(
    ([, r]) =>
      r.Type === 'AWS::Lambda::Function' &&
      (r as { Metadata?: Record<string, string> }).Metadata?.['aws:cdk:path']?.endsWith(
        `/${functionConstructId}/Resource`,
      ),
  )!;
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  let removed = 0;
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    if (!(resource.Properties.Roles as { Ref?: string }[]).some((r) => r.Ref === roleId)) continue;
    const document = resource.Properties.PolicyDocument as { Statement: Statement[] };
    document.Statement = document.Statement.flatMap((statement) => {
      const actions = [statement.Action].flat();
      if (!actions.includes(action)) return [statement];
      removed += 1;
      const rest = actions.filter((a) => a !== action);
      return rest.length > 0 ? [{ ...statement, Action: rest }] : [];
    });
  }
  expect(removed, `${functionConstructId} has ${action} to remove`).toBe(1);
  writeFileSync(join(copy, templateFile), JSON.stringify(template));
  return copy;
}

/** The same signed forecast exception, to either runtime. */
const deliver = (runtime: LocalRuntime) =>
  postPlanning(
    { runtime, settings: { planningWebhookSecret: SECRETS.planningWebhookSigningCurrent } },
    forecastExceptionDelivery(),
  );

const start = (cdkOut: string, progress: string[], functionLogs: string[]) =>
  startLocalRuntime({
    cdkOut,
    secrets: SECRETS,
    dashboard: false,
    log: (line) => progress.push(line),
    functionLogs: (_fn, line) => functionLogs.push(line),
  });

let cdkOut: string;
let modified: string;
beforeAll(async () => {
  cdkOut = await synthesizeDev();
  modified = withoutGrant(cdkOut, 'PlanningWebhook', 'events:PutEvents');
});
afterAll(() => {
  if (modified) rmSync(modified, { recursive: true, force: true });
});

describe('IAM enforcement on the real synth', () => {
  it('refuses the call a removed grant allowed, naming function, action and resource', async () => {
    const progress: string[] = [];
    const logs: string[] = [];
    const runtime = await start(modified, progress, logs);
    try {
      const response = await deliver(runtime);
      expect(response.status).toBeGreaterThanOrEqual(500);
      const bus = runtime.bus.arn;
      // The publisher retries the call (an error it cannot classify); each attempt is refused alike.
      const denials = runtime.accessDenials.map(({ constructId, action, resource }) => ({
        constructId,
        action,
        resource,
      }));
      expect(denials.length).toBeGreaterThan(0);
      expect(new Set(denials.map((d) => JSON.stringify(d)))).toEqual(
        new Set([
          JSON.stringify({ constructId: 'PlanningWebhook', action: 'events:PutEvents', resource: bus }),
        ]),
      );
      expect(progress).toContainEqual(
        expect.stringContaining(
          `access denied: PlanningWebhook (${runtime.functionName('PlanningWebhook')}) may not events:PutEvents on ${bus}`,
        ),
      );
      // The function saw EventBridge's own refusal, as it would in AWS (the publisher wraps it).
      expect(logs).toContainEqual(
        expect.stringContaining('is not authorized to perform: events:PutEvents on resource: ' + bus),
      );
      expect(runtime.busActivity.filter((a) => a.type === 'accepted')).toEqual([]);
    } finally {
      await runtime.stop();
    }
  });

  it('accepts the same delivery with the assembly as synthesized', async () => {
    const runtime = await start(cdkOut, [], []);
    try {
      const response = await deliver(runtime);
      expect(response.status).toBe(202);
      expect(runtime.accessDenials).toEqual([]);
    } finally {
      await runtime.stop();
    }
  });
});
