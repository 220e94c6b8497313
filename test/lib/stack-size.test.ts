/**
 * CloudFormation refuses a stack of more than 500 resources or a nested stack of more than 200
 * parameters: every stack (main and nested, ADR 0014) keeps headroom, so growth shows here first.
 */
import { NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DEMO_EDI_PARTNER } from '../../application/edi-partners';
import { ENVIRONMENT_NAMES } from '../../application/environments';
import { SFTP_CONNECTOR } from '../support/edi-connector';
import { buildStack, testConfig, type Json } from './support';

// An early warning 25 below CloudFormation's 500 (2026-12-05, once the network was nested and the
// routes dropped their console test-invoke permission: dev 440, staging and prod 447; 463 once the
// day's system API routes and reconciliation loop landed; ADR 0014).
const RESOURCE_BUDGET = 475;
const PARAMETER_LIMIT = 200;

function stacksOf(env: Parameters<typeof buildStack>[0], props: Parameters<typeof buildStack>[1] = {}) {
  const { stack } = buildStack(env, props);
  return stack.node
    .findAll()
    .filter((c): c is Stack => Stack.isStack(c))
    .map((s) => {
      const template = Template.fromStack(s).toJSON() as Json;
      return {
        path: s.node.path,
        nested: NestedStack.isNestedStack(s),
        resources: Object.keys(template.Resources ?? {}).length,
        parameters: Object.keys(template.Parameters ?? {}).length,
      };
    });
}

describe('stack sizes', () => {
  it.each(ENVIRONMENT_NAMES)(
    '%s: every stack within the resource budget, nested stacks within the parameter limit',
    (env) => {
      const stacks = stacksOf(env);
      expect(stacks.filter((s) => s.nested).length).toBeGreaterThan(0);
      for (const s of stacks) {
        expect(s.resources, `${s.path} resources`).toBeLessThanOrEqual(RESOURCE_BUDGET);
        if (s.nested) expect(s.parameters, `${s.path} parameters`).toBeLessThanOrEqual(PARAMETER_LIMIT);
      }
    },
  );

  it('the largest configuration (prod, private network, partner connectors) stays under 500 per stack', () => {
    const stacks = stacksOf('prod', {
      config: {
        ...testConfig('prod'),
        privateNetwork: {
          cidr: '10.40.0.0/22',
          availabilityZones: 2,
          erpCidrs: ['192.168.10.0/24'],
          erpPort: 443,
          link: { kind: 'site-to-site-vpn', customerGatewayIp: '203.0.113.10' },
        },
        ediPartners: [{ ...DEMO_EDI_PARTNER, connector: SFTP_CONNECTOR }],
      },
    });
    for (const s of stacks) {
      expect(s.resources, `${s.path} resources`).toBeLessThan(500);
      if (s.nested) expect(s.parameters, `${s.path} parameters`).toBeLessThanOrEqual(PARAMETER_LIMIT);
    }
  });
});
