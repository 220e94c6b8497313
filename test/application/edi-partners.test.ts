/** Trading partner profiles per environment: checked-in defaults, context overrides, what is refused. */
import { describe, expect, it } from 'vitest';
import {
  DEMO_EDI_PARTNER,
  EDI_PARTNERS_ENV_VAR,
  ediPartnersFromContext,
  tradingPartnersFromEnvironment,
} from '../../application/edi-partners';
import { loadEnvironmentConfig } from '../../application/environments';
import { partnerBySender, partnerForSupplier, tradingPartnerProblems } from '../../domain/edi/partners';

describe('EDI trading partner profiles', () => {
  it('dev trades with the demo partner for S-1001; staging and prod with none until configured', () => {
    expect(loadEnvironmentConfig('dev').ediPartners).toEqual([DEMO_EDI_PARTNER]);
    expect(loadEnvironmentConfig('prod').ediPartners).toEqual([]);
    expect(tradingPartnerProblems([DEMO_EDI_PARTNER])).toEqual([]);
  });

  it('takes a deployment profile from context ediPartners and refuses an unusable one', () => {
    const profile = { ...DEMO_EDI_PARTNER, partnerId: 'bottler', supplierNumber: 'S-9' };
    const context = (key: string) => (key === 'ediPartners' ? JSON.stringify([profile]) : undefined);
    expect(loadEnvironmentConfig('prod', { context }).ediPartners).toEqual([profile]);
    const bad = JSON.stringify([{ ...profile, separators: { element: 'A', component: '>', segment: '#' } }]);
    expect(() => ediPartnersFromContext('prod', bad)).toThrow(/element separator.*segment terminator/s);
    expect(() => ediPartnersFromContext('prod', '{')).toThrow(/not JSON/);
  });

  it('refuses two partners with the same sender, supplier or mailbox folder', () => {
    expect(tradingPartnerProblems([DEMO_EDI_PARTNER, DEMO_EDI_PARTNER])).toEqual([
      "EDI partner 'acme-beverages': partnerId is used by another partner",
      "EDI partner 'acme-beverages': supplierNumber is used by another partner",
      "EDI partner 'acme-beverages': ISA sender (qualifier + id) is used by another partner",
    ]);
  });

  it('gives functions the profiles of their environment variable, and finds a partner by sender or supplier', () => {
    const partners = tradingPartnersFromEnvironment({
      [EDI_PARTNERS_ENV_VAR]: JSON.stringify([DEMO_EDI_PARTNER]),
    });
    expect(partnerForSupplier(partners, 'S-1001')?.partnerId).toBe('acme-beverages');
    expect(partnerForSupplier(partners, 'S-2002')).toBeUndefined();
    const us = { qualifier: 'ZZ', id: 'SUPPLYLINE' };
    expect(partnerBySender(partners, { qualifier: 'ZZ', id: 'ACMEBEV' }, us)?.partnerId).toBe(
      'acme-beverages',
    );
    expect(partnerBySender(partners, { qualifier: '01', id: 'ACMEBEV' }, us)).toBeUndefined();
    expect(() => tradingPartnersFromEnvironment({})).toThrow(EDI_PARTNERS_ENV_VAR);
  });
});
