import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oncePerKey } from '../../../adapters/aws/once-per-key';
import { startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/tables';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => dynamo.stop());

const once = (scope = 'master-data-sync') =>
  oncePerKey({ client: dynamo.client, tableName: dynamo.tableNames.idempotency, scope });

describe('work once per key on the local DynamoDB (Powertools idempotency)', () => {
  it("runs a key's work once and answers its first result after, each key on its own", async () => {
    const runs: string[] = [];
    const run = once();
    const work = (name: string) => async () => {
      runs.push(name);
      return `${name} applied`;
    };
    expect(await run('supplier-master:east:S-1001:1', work('east'))).toBe('east applied');
    expect(await run('supplier-master:east:S-1001:1', work('east again'))).toBe('east applied');
    expect(await run('supplier-master:west:S-1001:1', work('west'))).toBe('west applied');
    // Another scope keeps its own keys.
    expect(await once('other')('supplier-master:east:S-1001:1', work('other'))).toBe('other applied');
    expect(runs).toEqual(['east', 'west', 'other']);
  });

  it('remembers nothing of a failure, so the key runs again', async () => {
    const run = once();
    let attempts = 0;
    const work = async () => {
      attempts++;
      if (attempts === 1) throw new Error('west ERP unreachable');
      return 'applied';
    };
    await expect(run('supplier-master:west:S-2002:7', work)).rejects.toThrow('west ERP unreachable');
    expect(await run('supplier-master:west:S-2002:7', work)).toBe('applied');
    expect(await run('supplier-master:west:S-2002:7', work)).toBe('applied');
    expect(attempts).toBe(2);
  });
});
