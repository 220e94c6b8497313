/**
 * The EDI trading partner profiles of each environment (shared/contracts/edi-x12.md, "Who trades
 * by EDI"). dev trades with one demo partner for the seed supplier S-1001; staging and prod set
 * theirs per deployment with context `-c ediPartners='[{...}]'` (a JSON array of profiles).
 * Functions that need them read EDI_TRADING_PARTNERS (grant `ediPartners`).
 */
import { MAILBOX, tradingPartnerProblems, type TradingPartner } from '../domain/edi/partners';
import { sftpConnectorProblems, type SftpConnectorProfile } from './edi-connectors';

export type { TradingPartner };
/** Mailbox keys per partner, for the CDK application (lib/ reads application/, not domain/). */
export { MAILBOX };

/** A partner's profile as configured: the trading rules, and how files reach it (optional). */
export interface EdiPartnerProfile extends TradingPartner {
  /** An AWS Transfer Family SFTP connector to the partner's server (ADR 0010). @default none: the partner uses the mailbox itself */
  readonly connector?: SftpConnectorProfile;
}

/** Environment variable carrying the environment's trading partner profiles as JSON. */
export const EDI_PARTNERS_ENV_VAR = 'EDI_TRADING_PARTNERS';

/** The demo partner of dev and the local runtime: the seed supplier Acme Beverages. */
export const DEMO_EDI_PARTNER: TradingPartner = {
  partnerId: 'acme-beverages',
  supplierNumber: 'S-1001',
  partner: { qualifier: 'ZZ', id: 'ACMEBEV' },
  partnerGroupCode: 'ACMEBEV',
  us: { qualifier: 'ZZ', id: 'SUPPLYLINE' },
  ourGroupCode: 'SUPPLYLINE',
  usage: 'T',
  separators: { element: '*', component: '>', segment: '~' },
  sends: ['855', '856'],
  utcOffsetMinutes: 0,
};

/** The checked-in profiles per environment (by name, so this file needs nothing else of it). */
export const EDI_PARTNER_DEFAULTS: Readonly<Record<string, readonly EdiPartnerProfile[]>> = {
  dev: [DEMO_EDI_PARTNER],
  staging: [],
  prod: [],
};

/** The profiles of `environment`, or those of context `ediPartners` (JSON) when given. */
export function ediPartnersFromContext(
  environment: string,
  json: string | undefined,
): readonly EdiPartnerProfile[] {
  return json === undefined
    ? (EDI_PARTNER_DEFAULTS[environment] ?? [])
    : parsePartners(json, 'context ediPartners');
}

/** The profiles a function was given in EDI_TRADING_PARTNERS; throws when absent or unusable. */
export function tradingPartnersFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): readonly TradingPartner[] {
  const json = env[EDI_PARTNERS_ENV_VAR];
  if (json === undefined) throw new Error(`${EDI_PARTNERS_ENV_VAR} is not set`);
  return parsePartners(json, EDI_PARTNERS_ENV_VAR);
}

function parsePartners(json: string, where: string): readonly EdiPartnerProfile[] {
  let partners: unknown;
  try {
    partners = JSON.parse(json);
  } catch (error) {
    throw new Error(`Supplyline: ${where} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(partners))
    throw new Error(`Supplyline: ${where} must be a JSON array of partner profiles`);
  const profiles = partners as EdiPartnerProfile[];
  const problems = [...tradingPartnerProblems(profiles), ...sftpConnectorProblems(profiles)];
  if (problems.length > 0) throw new Error(`Supplyline: ${where}: ${problems.join('; ')}`);
  return profiles;
}
