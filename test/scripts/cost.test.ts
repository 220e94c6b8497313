/**
 * `npm run cost` prices what the synthesized template deploys: where CloudFront + WAF front the
 * webhooks (ADR 0007), each delivery pays WAF, CloudFront and the body to the origin, and the
 * WebACL and its rules are a fixed monthly charge.
 */
import { describe, expect, it } from 'vitest';
import { PRICES, costModel, type Template } from '../../scripts/cost';
import { buildStack } from '../lib/support';

const model = (env: 'dev' | 'prod') => costModel(buildStack(env).template.toJSON() as Template);
const perMillion = (lines: { item: string; perUnit: number }[], item: RegExp) =>
  lines.filter((line) => item.test(line.item)).reduce((sum, line) => sum + line.perUnit * 1e6, 0);

describe('cost model of the webhook edge', () => {
  it('charges every webhook delivery for WAF, CloudFront and the body to the origin where the edge is on', () => {
    const prod = model('prod');
    for (const lines of [prod.exception, prod.poSync]) {
      expect(perMillion(lines, /^WAF: /)).toBeCloseTo(0.6, 6);
      expect(perMillion(lines, /^CloudFront: HTTPS request/)).toBeCloseTo(1.0, 6);
      // ~3 KB a delivery at $0.02/GB.
      expect(perMillion(lines, /^CloudFront: .* body to the origin/)).toBeCloseTo(0.06, 6);
    }
  });

  it('adds the WebACL and one charge per rule to the fixed monthly cost', () => {
    const rules = 4; // webhook-edge.test.ts holds the WebACL to these four rules
    expect(model('prod').fixedMonthly).toEqual([
      {
        item: `WAF webhook edge: WebACL + ${rules} rules`,
        perUnit: PRICES.wafWebAclMonthly + rules * PRICES.wafRuleMonthly,
      },
    ]);
    expect(PRICES.wafWebAclMonthly + rules * PRICES.wafRuleMonthly).toBe(9);
  });

  it('charges nothing for an edge where there is none', () => {
    const dev = model('dev');
    expect(dev.fixedMonthly).toEqual([]);
    expect(perMillion([...dev.exception, ...dev.poSync], /^(WAF|CloudFront)/)).toBe(0);
  });
});
