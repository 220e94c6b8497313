import { describe, expect, it } from 'vitest';
import { benchValidator } from '../../scripts/codegen/bench-validator';

// Speed goals are held by the benchmark itself (npm run bench), not asserted here: this only checks
// that the benchmark runs and measures like with like.
describe('benchValidator', () => {
  it('measures every case on documents with the expected verdicts', async () => {
    const rows = await benchValidator({ rounds: 1, roundMs: 5 });
    expect(rows.map((row) => row.case)).toEqual([
      'generated, valid',
      'generated, invalid (all errors)',
      'ajv 2020 + formats, valid',
      'ajv 2020 + formats, invalid (allErrors)',
      'JSON.parse of the same document',
    ]);
    for (const row of rows) expect(row.usPerDoc).toBeGreaterThan(0);
    expect(rows[1]!.errors).toBe(16);
    // Held against ajv measured in the same run, so the budget travels between machines.
    expect(rows[0]).toMatchObject({ peer: 'ajv 2020 + formats, valid', maxPeerRatio: 0.5 });
    expect(rows[1]).toMatchObject({ peer: 'ajv 2020 + formats, invalid (allErrors)', maxPeerRatio: 0.5 });
    expect(rows[0]!.peerRatio).toBeCloseTo(rows[0]!.usPerDoc / rows[2]!.usPerDoc, 1);
  });
});
