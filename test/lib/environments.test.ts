import { describe, expect, it } from 'vitest';
import {
  ENVIRONMENT_NAMES,
  ENVIRONMENTS,
  loadEnvironmentConfig,
  validateEnvironmentConfig,
} from '../../lib/config/environments';

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

  it('takes account, region, alarm emails and placeholders from context before the CLI environment', () => {
    const context: Record<string, string> = {
      account: '111122223333',
      region: 'eu-west-1',
      alarmEmails: 'ops@example.com, oncall@example.com',
      placeholders: 'false',
    };
    const config = loadEnvironmentConfig('dev', {
      context: (key) => context[key],
      env: { CDK_DEFAULT_ACCOUNT: '999999999999', CDK_DEFAULT_REGION: 'us-west-2' },
    });
    expect(config).toMatchObject({
      account: '111122223333',
      region: 'eu-west-1',
      allowPlaceholderHandlers: false,
    });
    expect(config.notifications.alarmEmails).toEqual(['ops@example.com', 'oncall@example.com']);
    expect(loadEnvironmentConfig('dev', { env: { CDK_DEFAULT_ACCOUNT: '999999999999' } }).account).toBe(
      '999999999999',
    );
  });

  it('carries the business rules’ defaults as exact decimals', () => {
    for (const env of ENVIRONMENT_NAMES) {
      expect(ENVIRONMENTS[env].business).toEqual({
        currency: 'USD',
        monthlyBudgetPerWarehouse: '250000.00',
        approvalLimit: '25000.00',
        approvalTimeoutHours: 24,
        acknowledgementTimeoutHours: 48,
        upliftThresholds: {
          A: { minUplift: '0.10', minSeverity: 'high' },
          B: { minUplift: '0.20', minSeverity: 'high' },
          C: { minUplift: '0.35', minSeverity: 'critical' },
        },
      });
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

  it('keeps prod safe: data retained, WAF on, never placeholders', () => {
    expect(ENVIRONMENTS.prod).toMatchObject({
      retainData: true,
      allowPlaceholderHandlers: false,
      waf: { enabled: true },
    });
    expect(() =>
      loadEnvironmentConfig('prod', { context: (k) => (k === 'placeholders' ? 'true' : undefined) }),
    ).toThrow(/placeholder handlers are never allowed in prod/);
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
      }),
    ).toThrow(/account '12'[\s\S]*logRetentionDays 10[\s\S]*not-an-email[\s\S]*approvalLimit '25000'/);
  });
});
