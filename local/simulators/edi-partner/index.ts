/** Simulator of an EDI trading partner on the mailbox (850 in; 997, 855, 856 out) for local runs and tests. */
export { EdiPartnerSimulator, s3PartnerMailbox } from './simulator';
export type {
  EdiPartnerSimulatorOptions,
  PartnerFile,
  PartnerMailbox,
  ReceivedAcknowledgement,
} from './simulator';
export type { AnswerSettings, EdiPartnerBehaviour } from './documents';
export { ALTERNATE_SEPARATORS, NO_EDI_PARTNER_FAULTS } from './faults';
export type { EdiPartnerFaults } from './faults';
