import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  commitmentPorts,
  executionName,
  reportBreakerChange,
  startCommitment,
  withPorts,
  workflowSettings,
} from '../../../functions/commons/ports';
import { metrics } from '../../../functions/commons/powertools';
import type { CommitmentState } from '../../../domain/commitment/types';
import { ENVIRONMENTS } from '../../../lib/config/environments';
import { TASK_ENVIRONMENT, resetAws, sfn } from './support';

beforeAll(() => {
  Object.assign(process.env, TASK_ENVIRONMENT, {
    PURCHASE_COMMITMENT_STATE_MACHINE_ARN:
      'arn:aws:states:us-east-1:111122223333:stateMachine:supplyline-dev-purchase-commitment',
  });
});
beforeEach(() => resetAws());

describe('commitment ports from the environment', () => {
  it('maps sites to warehouses and builds the policy from the business rules', () => {
    const ports = commitmentPorts();
    expect(ports.warehouseForSite('DC-EAST-03')).toBe('WH-EAST');
    expect(ports.warehouseForSite('DC-NOWHERE')).toBeUndefined();
    expect(ports.warehouseForSite('toString')).toBeUndefined();
    expect(ports.policy.approvalLimit.toMoneyString()).toBe(ENVIRONMENTS.dev.business.approvalLimit);
    expect(ports.policy.supportedCurrencies).toEqual(['USD']);
    expect(ports.tenantId).toBe('acme');
  });

  it('turns the business rules’ hours into the workflow’s seconds', () => {
    expect(workflowSettings({ ...ENVIRONMENTS.dev.business, approvalTimeoutHours: 1.5 })).toEqual({
      approvalTimeoutSeconds: 5400,
      acknowledgementTimeoutSeconds: 48 * 3600,
    });
  });

  it('builds only the ports a step touches', () => {
    const before = process.env.ERP_BASE_URL;
    delete process.env.ERP_BASE_URL;
    const ports = withPorts({ settings: workflowSettings() });
    expect(ports.settings.approvalTimeoutSeconds).toBe(24 * 3600);
    expect(ports.supply).toBeDefined();
    if (before !== undefined) process.env.ERP_BASE_URL = before;
  });
});

describe('circuit breaker state changes', () => {
  it('report CircuitBreakerOpen 1 on opening and 0 on closing, per endpoint system, and nothing half-open', () => {
    const emitted: unknown[][] = [];
    const single = {
      addDimension: (name: string, value: string) => emitted.push(['dimension', name, value]),
      addMetric: (name: string, _unit: string, value: number) => emitted.push(['metric', name, value]),
    };
    const spy = vi.spyOn(metrics, 'singleMetric').mockReturnValue(single as never);
    const at = new Date('2026-11-27T12:00:00Z');
    reportBreakerChange({
      endpoint: 'erp',
      system: 'erp',
      from: 'closed',
      to: 'open',
      at,
      reason: 'failure-rate',
    });
    reportBreakerChange({
      endpoint: 'erp',
      system: 'erp',
      from: 'open',
      to: 'half-open',
      at,
      reason: 'cool-down-elapsed',
    });
    reportBreakerChange({
      endpoint: 'erp',
      system: 'erp',
      from: 'half-open',
      to: 'closed',
      at,
      reason: 'probe-succeeded',
    });
    spy.mockRestore();
    expect(emitted).toEqual([
      ['dimension', 'Endpoint', 'erp'],
      ['metric', 'CircuitBreakerOpen', 1],
      ['dimension', 'Endpoint', 'erp'],
      ['metric', 'CircuitBreakerOpen', 0],
    ]);
  });
});

describe('starting the purchase commitment', () => {
  it('starts the Express workflow named by the environment with the state as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn', startDate: new Date() });
    const state = {
      event: { idempotencyKey: 'forecast-exception:PLAN-1:EX-1:v3', correlationId: 'c', eventId: 'e' },
    } as unknown as CommitmentState;
    await startCommitment(state);
    const [call] = sfn.commandCalls(StartExecutionCommand);
    expect(call!.args[0].input).toEqual({
      stateMachineArn: process.env.PURCHASE_COMMITMENT_STATE_MACHINE_ARN,
      name: executionName('forecast-exception:PLAN-1:EX-1:v3'),
      input: JSON.stringify(state),
    });
  });

  it('names executions within Step Functions’ 80 characters and charset', () => {
    const name = executionName(`forecast-exception:${'P'.repeat(200)}:EX/1:v3`);
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(executionName('a:b')).not.toBe(executionName('a/b'));
  });
});
