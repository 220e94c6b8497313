import { describe, expect, it } from 'vitest';
import { DEFAULT_PROCUREMENT_POLICY, defineProcurementPolicy } from '../../domain/procurement/policy';
import {
  ENVIRONMENT_NAMES,
  ENVIRONMENTS,
  loadEnvironmentConfig,
  validateEnvironmentConfig,
} from '../../application/environments';

describe('environment configuration', () => {
  it.each(ENVIRONMENT_NAMES)('%s loads offline with a default region and no account', (env) => {
    const config = loadEnvironmentConfig(env, {});
    expect(config.name).toBe(env);
    expect(config.account).toBeUndefined();
    expect(config.region).toBe('us-east-1');
  });

  it('rejects an unknown or missing environment with the way to choose one', () => {
    expect(() => loadEnvironmentConfig('qa')).toThrow(
      /unknown environment 'qa'.*dev, staging, prod.*-c env=dev/,
    );
    expect(() => loadEnvironmentConfig(undefined)).toThrow(/no environment/);
  });

  it('takes account, region, alarm emails, tenant and system URLs from context before the CLI environment', () => {
    const context: Record<string, string> = {
      account: '111122223333',
      region: 'eu-west-1',
      alarmEmails: 'ops@example.com, oncall@example.com',
      tenantId: 'acme',
      procurementBaseUrl: 'https://procurement.acme.example',
      erpBaseUrl: 'https://erp.acme.example',
      erpDatabase: 'acme',
    };
    const config = loadEnvironmentConfig('dev', {
      context: (key) => context[key],
      env: { CDK_DEFAULT_ACCOUNT: '999999999999', CDK_DEFAULT_REGION: 'us-west-2' },
    });
    expect(config).toMatchObject({
      account: '111122223333',
      region: 'eu-west-1',
      tenantId: 'acme',
      systems: {
        procurementBaseUrl: 'https://procurement.acme.example',
        erpBaseUrl: 'https://erp.acme.example',
        erpDatabase: 'acme',
      },
    });
    expect(config.notifications.alarmEmails).toEqual(['ops@example.com', 'oncall@example.com']);
    expect(loadEnvironmentConfig('dev', { env: { CDK_DEFAULT_ACCOUNT: '999999999999' } }).account).toBe(
      '999999999999',
    );
  });

  it('derives the business rules’ defaults from the domain policy, as exact decimals', () => {
    const policy = DEFAULT_PROCUREMENT_POLICY;
    for (const env of ENVIRONMENT_NAMES) {
      const business = ENVIRONMENTS[env].business;
      expect(business).toMatchObject({
        currency: 'USD',
        monthlyBudgetPerWarehouse: '250000.00',
        approvalLimit: '25000.00',
        approvalTimeoutHours: policy.approvalTimeoutHours,
        acknowledgementTimeoutHours: policy.acknowledgementTimeoutHours,
      });
      for (const cls of ['A', 'B', 'C'] as const) {
        expect(policy.upliftThresholds[cls].minUplift.eq(business.upliftThresholds[cls].minUplift)).toBe(
          true,
        );
        expect(business.upliftThresholds[cls].minSeverity).toBe(policy.upliftThresholds[cls].minSeverity);
      }
      expect(business.siteWarehouses).toEqual({
        'DC-EAST-02': 'WH-EAST',
        'DC-EAST-03': 'WH-EAST',
        'DC-WEST-01': 'WH-WEST',
        'DC-NORTH-01': 'WH-NORTH',
        'DC-SOUTH-01': 'WH-SOUTH',
      });
    }
  });

  it('round-trips the business rules into the domain policy unchanged', () => {
    const business = ENVIRONMENTS.prod.business;
    const policy = defineProcurementPolicy({ ...business, supportedCurrencies: [business.currency] });
    expect(policy.approvalLimit.eq(DEFAULT_PROCUREMENT_POLICY.approvalLimit)).toBe(true);
    expect(policy.monthlyBudgetPerWarehouse.eq(DEFAULT_PROCUREMENT_POLICY.monthlyBudgetPerWarehouse)).toBe(
      true,
    );
  });

  it('marks the system URLs as set per deployment until context sets them', () => {
    for (const env of ENVIRONMENT_NAMES) {
      const config = loadEnvironmentConfig(env);
      expect(config.systems.procurementBaseUrl).toMatch(/set-per-deployment\.invalid$/);
      expect(config.systems.erpBaseUrl).toMatch(/set-per-deployment\.invalid$/);
      expect(config.tenantId).toBe(env);
    }
  });

  it('alarms on the service levels of "Time that matters"', () => {
    const slos = Object.fromEntries(
      ENVIRONMENTS.prod.alarms.syncLagSlos.map((s) => [s.flow, s.thresholdSeconds]),
    );
    expect(slos).toEqual({
      'forecast-exception-to-purchase-order': 300,
      'acknowledgement-to-erp': 120,
      'receipt-to-procurement': 300,
    });
    expect(ENVIRONMENTS.prod.alarms.dlqDepthThreshold).toBe(0);
  });

  it('keeps prod safe: data retained, WAF on', () => {
    expect(ENVIRONMENTS.prod).toMatchObject({ retainData: true, waf: { enabled: true } });
  });

  it('signs people in through localhost only in dev; staging and prod take https URLs per deployment', () => {
    expect(loadEnvironmentConfig('dev').identity.peopleSignIn).toEqual({
      callbackUrls: ['http://localhost:8976/callback'],
      logoutUrls: ['http://localhost:8976/'],
    });
    for (const env of ['staging', 'prod'] as const) {
      const { callbackUrls, logoutUrls } = loadEnvironmentConfig(env).identity.peopleSignIn;
      for (const url of [...callbackUrls, ...logoutUrls])
        expect(url).toMatch(/^https:\/\/.*set-per-deployment\.invalid\//);
    }
    const context: Record<string, string> = {
      identityCallbackUrls: 'https://approvals.acme.example/callback, https://buyers.acme.example/callback',
      identityLogoutUrls: 'https://approvals.acme.example/',
    };
    expect(loadEnvironmentConfig('prod', { context: (key) => context[key] }).identity.peopleSignIn).toEqual({
      callbackUrls: ['https://approvals.acme.example/callback', 'https://buyers.acme.example/callback'],
      logoutUrls: ['https://approvals.acme.example/'],
    });
  });

  it('refuses sign-in URLs that are not https, or localhost outside dev', () => {
    const withSignIn = (env: 'dev' | 'prod', callbackUrls: string[], logoutUrls: string[] = []) => {
      const config = loadEnvironmentConfig(env);
      return () =>
        validateEnvironmentConfig({
          ...config,
          identity: { ...config.identity, peopleSignIn: { callbackUrls, logoutUrls } },
        });
    };
    expect(withSignIn('prod', ['http://localhost:8976/callback'])).toThrow(
      /identity\.peopleSignIn\.callbackUrls 'http:\/\/localhost:8976\/callback' must be an https URL \(not localhost\)/,
    );
    expect(withSignIn('prod', ['https://localhost/callback'])).toThrow(/not localhost/);
    expect(
      withSignIn('prod', ['https://approvals.acme.example/cb'], ['http://approvals.acme.example/']),
    ).toThrow(/identity\.peopleSignIn\.logoutUrls 'http:\/\/approvals\.acme\.example\/'/);
    expect(withSignIn('prod', ['approvals.acme.example/cb'])).toThrow(
      /callbackUrls 'approvals.acme.example\/cb'/,
    );
    expect(withSignIn('prod', ['https://approvals.acme.example/cb#x'])).toThrow(/callbackUrls/);
    expect(withSignIn('prod', [])).toThrow(/callbackUrls must name at least one URL/);
    expect(withSignIn('dev', ['http://example.com/callback'])).toThrow(/https URL or http:\/\/localhost/);
    expect(withSignIn('dev', ['http://localhost:3000/callback'], ['http://localhost:3000/'])).not.toThrow();
    expect(
      withSignIn('prod', ['https://approvals.acme.example/cb'], ['https://approvals.acme.example/']),
    ).not.toThrow();
  });

  it('lists every problem of an invalid configuration', () => {
    const config = loadEnvironmentConfig('dev');
    expect(() =>
      validateEnvironmentConfig({
        ...config,
        account: '12',
        logRetentionDays: 10,
        business: { ...config.business, approvalLimit: '25000' },
        notifications: { alarmEmails: ['not-an-email'] },
        systems: { ...config.systems, erpBaseUrl: 'erp.local' },
      }),
    ).toThrow(
      /account '12'[\s\S]*logRetentionDays 10[\s\S]*erpBaseUrl 'erp.local'[\s\S]*not-an-email[\s\S]*approvalLimit '25000'/,
    );
  });
});
