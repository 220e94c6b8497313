import { describe, expect, it } from 'vitest';
import { readSettings } from '../../local/environment';
import { decideSeedScenario, SCENARIO_FLAG } from '../../local/scenario/opt-in';

const procurement = {
  url: 'https://sandbox.procurement.example',
  clientId: 'id',
  clientSecret: 'secret',
  webhookSecret: 'hook',
};
const tryton = { url: 'http://erp.example:8000', database: 'acme', user: 'admin', password: 'pw' };

describe('the seed scenario against your own systems', () => {
  it('runs against the simulators without being asked', () => {
    expect(decideSeedScenario({}, [])).toEqual({ run: true, externalSystems: [] });
  });

  it('is held back when any external system is configured, saying what it would do and how to opt in', () => {
    for (const settings of [{ procurement }, { tryton }, { procurement, tryton }]) {
      const decision = decideSeedScenario(settings, ['node', 'local/start.ts']);
      expect(decision.run).toBe(false);
      expect(decision.message).toContain('purchase order');
      expect(decision.message).toContain(SCENARIO_FLAG);
      expect(decision.message).toContain('SUPPLYLINE_RUN_SCENARIO=1');
    }
    const both = decideSeedScenario({ procurement, tryton }, []);
    expect(both.externalSystems).toEqual([
      'the procurement platform at https://sandbox.procurement.example',
      'Tryton at http://erp.example:8000 (database acme)',
    ]);
  });

  it('runs against external systems with --scenario or SUPPLYLINE_RUN_SCENARIO=1', () => {
    expect(decideSeedScenario({ tryton }, ['node', 'local/start.ts', SCENARIO_FLAG]).run).toBe(true);
    const settings = readSettings({ SUPPLYLINE_TRYTON_URL: tryton.url, SUPPLYLINE_RUN_SCENARIO: '1' });
    expect(decideSeedScenario(settings, []).run).toBe(true);
    const unset = readSettings({ SUPPLYLINE_TRYTON_URL: tryton.url });
    expect(decideSeedScenario(unset, []).run).toBe(false);
  });
});
