import { beforeAll, describe, expect, it } from 'vitest';
import { buildStack, roleStatements, scheduleExpression } from './support';
import type { SupplylineStack } from '../../lib/supplyline-stack';
import type { Template } from 'aws-cdk-lib/assertions';

let stack: SupplylineStack;
let template: Template;
beforeAll(() => {
  ({ stack, template } = buildStack('prod'));
});

describe('the escalation of integration exceptions open too long', () => {
  it('runs every 15 minutes on a `rate` schedule (which the local runtime runs too)', () => {
    expect(scheduleExpression(stack, template, 'integration-exception-escalation')).toBe('rate(15 minutes)');
  });

  it('may query the exceptions and update them, nothing else of DynamoDB, and announce on the bus', () => {
    const granted = roleStatements(stack, template, 'integration-exception-escalation').flatMap(
      (statement) => [statement.Action].flat() as string[],
    );
    expect(granted.filter((action) => action.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(granted).toContain('events:PutEvents');
  });
});
