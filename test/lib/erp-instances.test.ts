/**
 * Adding an ERP instance (an acquisition) is configuration plus a secret: the synthesized template
 * with a second instance keeps every resource of the first as it was; only the ERP callers learn of
 * the new instance, and only they may read its secret.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { FUNCTION_CATALOG as FUNCTIONS } from '../../application/functions';
import type { ErpInstance } from '../../application/erp-instances';
import { EAST_INSTANCE, WEST_INSTANCE } from '../fixtures/erp-instances';
import type { ErpInstanceSecrets } from '../../lib/constructs/erp-instance-secrets';
import { buildStack, resourcesOf, roleStatements, testConfig, type CfnJson, type Json } from './support';

const EAST = EAST_INSTANCE;
const WEST = WEST_INSTANCE;

const synth = (erpInstances: readonly ErpInstance[]) =>
  buildStack('prod', { config: testConfig('prod', { erpInstances }) });

const ERP_CALLERS = FUNCTIONS.filter((f) => f.grants.connectors?.includes('erp')).map((f) => f.key);

describe('adding an ERP instance', () => {
  const one = synth([{ ...EAST, warehouses: [...EAST.warehouses, ...WEST.warehouses] }]);
  const two = synth([EAST, WEST]);
  const resources = (template: typeof one.template) => template.toJSON().Resources as Record<string, CfnJson>;
  const monitoring = (synthesized: typeof one) =>
    resources(Template.fromStack(synthesized.stack.monitoringStack));
  /** The dashboard body as synthesized (a Fn::Join of strings and references). */
  const dashboardBody = (synthesized: typeof one) =>
    JSON.stringify(
      Object.values(monitoring(synthesized)).find((r) => r.Type === 'AWS::CloudWatch::Dashboard')!.Properties,
    ).replaceAll('\\"', '"');

  it('keeps every resource of the one-instance template, except what the ERP callers are given', () => {
    const before = resources(one.template);
    const after = resources(two.template);
    const callerIds = new Set(
      ERP_CALLERS.flatMap((key) => {
        const fn = one.stack.functions[key];
        return [
          one.stack.getLogicalId(fn.node.defaultChild as never),
          one.stack.getLogicalId(fn.role!.node.findChild('DefaultPolicy').node.defaultChild as never),
        ];
      }),
    );
    // The monitoring nested stack's template grows (compared below): its reference changes, nothing else.
    callerIds.add(one.stack.getLogicalId(one.stack.monitoringStack.nestedStackResource as never));
    const changed = Object.keys(before).filter(
      (id) => JSON.stringify(after[id]) !== JSON.stringify(before[id]),
    );
    expect(changed.filter((id) => !callerIds.has(id))).toEqual([]);
    // The primary's secret is the single-ERP one, untouched.
    const primarySecret = one.stack.getLogicalId(
      one.stack.integrationSecrets.secrets.erpCredentials.secret.node.defaultChild as never,
    );
    expect(after[primarySecret]).toEqual(before[primarySecret]);
    // What is new: west's secret (and its output), nothing else.
    const added = Object.keys(after).filter((id) => !(id in before));
    expect(added.map((id) => after[id]!.Type)).toEqual(['AWS::SecretsManager::Secret']);
  });

  it("keeps every alarm of the one-instance monitoring; adds west's alarms and a dashboard row per unit", () => {
    const before = monitoring(one);
    const after = monitoring(two);
    const changed = Object.keys(before).filter(
      (id) => JSON.stringify(after[id]) !== JSON.stringify(before[id]),
    );
    expect(changed.map((id) => before[id]!.Type)).toEqual(['AWS::CloudWatch::Dashboard']);
    const added = Object.keys(after).filter((id) => !(id in before));
    expect(added.map((id) => [after[id]!.Type, after[id]!.Properties.AlarmDescription])).toEqual([
      [
        'AWS::CloudWatch::Alarm',
        expect.stringContaining(
          'acknowledgement received -> ERP purchase order updated: under 2 minutes (business unit west)',
        ),
      ],
      ['AWS::CloudWatch::Alarm', expect.stringContaining('Circuit breaker for erp:west is open')],
    ]);
    const metricOf = (id: string) => {
      const { MetricName, Dimensions } = after[id]!.Properties as Json;
      return { MetricName, Dimensions };
    };
    expect(added.map(metricOf)).toEqual([
      {
        MetricName: 'SyncLagSeconds',
        Dimensions: expect.arrayContaining([
          { Name: 'ObjectType', Value: 'purchase-order-acknowledgement' },
          { Name: 'SystemPair', Value: 'procurement-erp:west' },
        ]),
      },
      {
        MetricName: 'CircuitBreakerOpen',
        Dimensions: expect.arrayContaining([{ Name: 'Endpoint', Value: 'erp:west' }]),
      },
    ]);
    // The single-ERP dashboard has no business-unit rows; two units have one each.
    expect(dashboardBody(one)).not.toContain('Business unit');
    expect(dashboardBody(two)).toContain('## Business unit east (ERP endpoint `erp`)');
    expect(dashboardBody(two)).toContain('## Business unit west (ERP endpoint `erp:west`)');
    expect(dashboardBody(two)).toContain('procurement-erp:west');
  });

  it("gives each ERP caller west's connection, routing and secret; nobody else may read west's secret", () => {
    const westSecret = two.stack.getLogicalId(
      (two.stack.node.findChild('ErpInstances') as ErpInstanceSecrets).secrets.west!.node
        .defaultChild as never,
    );
    const readers = FUNCTIONS.map((f) => f.key).filter((key) =>
      roleStatements(two.stack, two.template, key).some(
        (statement: Json) =>
          statement.Action === 'secretsmanager:GetSecretValue' &&
          [statement.Resource].flat().some((resource: Json) => resource?.Ref === westSecret),
      ),
    );
    expect(readers.sort()).toEqual([...ERP_CALLERS].sort());
    const [, fn] = resourcesOf(two.template, 'AWS::Lambda::Function').find(
      ([id]) =>
        id === two.stack.getLogicalId(two.stack.functions['erp-receipt-poller'].node.defaultChild as never),
    )!;
    const variables = fn.Properties.Environment.Variables as Record<string, Json>;
    expect(variables).toMatchObject({
      ERP_BASE_URL: 'https://erp-east.example.com',
      ERP_DATABASE: 'east',
      ERP_PROTOCOL: 'tryton',
      ERP_WEST_BASE_URL: 'https://erp-west.example.com',
      ERP_WEST_DATABASE: 'west',
      ERP_WEST_PROTOCOL: 'simulator',
      ERP_WEST_CREDENTIALS_SECRET_ARN: { Ref: westSecret },
    });
    expect(JSON.parse(variables.ERP_INSTANCES as string)).toEqual([
      { name: 'east', warehouses: ['WH-EAST', 'WH-NORTH', 'WH-SOUTH'], requestBudget: EAST.requestBudget },
      { name: 'west', warehouses: ['WH-WEST'], requestBudget: WEST.requestBudget },
    ]);
  });
});
