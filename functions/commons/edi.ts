/**
 * The EDI ports of the functions that trade with partners, built once per execution environment:
 * the partners of the environment (EDI_TRADING_PARTNERS), the EDI ledger (EDI_LEDGER_TABLE_NAME),
 * the mailbox bucket (EDI_MAILBOX_BUCKET_NAME) and the X12 codec (node-x12, files read as streams).
 */
import { DynamoDbEdiLedger } from '../../adapters/edi/dynamodb-edi-ledger';
import { DynamoDbShipmentVersions } from '../../adapters/edi/dynamodb-shipment-versions';
import { S3EdiMailbox } from '../../adapters/edi/s3-mailbox';
import { streamingX12Codec } from '../../adapters/edi/x12-segment-reader';
import { tradingPartnersFromEnvironment } from '../../application/edi-partners';
import { BUCKETS, TABLES } from '../../application/resources';
import { documents, env, lazy, s3 } from './clients';

/** Partners and ledger: what functions that read no mailbox need. */
export const ediLedgerPorts = /* @__PURE__ */ lazy(() => ({
  partners: tradingPartnersFromEnvironment(process.env),
  ledger: new DynamoDbEdiLedger(documents(), env(TABLES.ediLedger.envVar)),
}));

/** The shipment ids' latest versions (shipment-sync), in the EDI ledger's table. */
export const shipmentVersions = /* @__PURE__ */ lazy(
  () => new DynamoDbShipmentVersions(documents(), env(TABLES.ediLedger.envVar)),
);

/** Partners, ledger, mailbox and codec. */
export const ediPorts = /* @__PURE__ */ lazy(() => ({
  ...ediLedgerPorts(),
  mailbox: new S3EdiMailbox(s3(), env(BUCKETS.ediMailbox.envVar)),
  // Writes with node-x12; reads a mailbox file as a stream, a set at a time.
  codec: streamingX12Codec,
}));
