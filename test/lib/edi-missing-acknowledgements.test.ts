import { beforeAll, describe, expect, it } from 'vitest';
import { buildStack, roleStatements, scheduleExpression } from './support';
import type { SupplylineStack } from '../../lib/supplyline-stack';
import type { Template } from 'aws-cdk-lib/assertions';

let stack: SupplylineStack;
let template: Template;
beforeAll(() => {
  ({ stack, template } = buildStack('prod'));
});

/** The actions of the missing-997 check's role. */
const actions = () =>
  roleStatements(stack, template, 'edi-missing-acknowledgements').flatMap(
    (statement) => [statement.Action].flat() as string[],
  );

describe('the hourly check of 850s without a 997', () => {
  it('runs every hour on a schedule', () => {
    expect(scheduleExpression(stack, template, 'edi-missing-acknowledgements')).toBe('rate(1 hour)');
  });

  it('may query the EDI ledger and nothing else of it, and touches no mailbox file', () => {
    const granted = actions();
    expect(granted.filter((action) => action.startsWith('dynamodb:'))).toEqual(['dynamodb:Query']);
    expect(granted.filter((action) => action.startsWith('s3:'))).toEqual([]);
    expect(granted).toContain('events:PutEvents');
  });
});
