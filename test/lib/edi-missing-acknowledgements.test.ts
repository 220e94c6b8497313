import { beforeAll, describe, expect, it } from 'vitest';
import { buildStack, resourcesOf, type Json } from './support';
import type { SupplylineStack } from '../../lib/supplyline-stack';
import type { Template } from 'aws-cdk-lib/assertions';

let stack: SupplylineStack;
let template: Template;
beforeAll(() => {
  ({ stack, template } = buildStack('prod'));
});

/** The actions of the missing-997 check's role. */
function actions(): string[] {
  const roleId = stack.getLogicalId(
    stack.functions['edi-missing-acknowledgements'].role.node.defaultChild as never,
  );
  return resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[])
    .flatMap((statement) => [statement.Action].flat() as string[]);
}

describe('the hourly check of 850s without a 997', () => {
  it('runs every hour on a schedule', () => {
    const rule = stack.schedules['edi-missing-acknowledgements'];
    expect(rule).toBeDefined();
    const [, resource] = resourcesOf(template, 'AWS::Events::Rule').find(
      ([id]) => id === stack.getLogicalId(rule!.node.defaultChild as never),
    )!;
    expect(resource.Properties.ScheduleExpression).toBe('rate(1 hour)');
  });

  it('may query the EDI ledger and nothing else of it, and touches no mailbox file', () => {
    const granted = actions();
    expect(granted.filter((action) => action.startsWith('dynamodb:'))).toEqual(['dynamodb:Query']);
    expect(granted.filter((action) => action.startsWith('s3:'))).toEqual([]);
    expect(granted).toContain('events:PutEvents');
  });
});
