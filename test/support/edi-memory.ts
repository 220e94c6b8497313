/** In-memory EDI ledger and mailbox for the EDI rules' tests (the DynamoDB and S3 ones have their own). */
import { nodeX12Codec } from '../../adapters/edi/x12-codec';
import type { CanonicalEvent } from '../../canonical/envelope';
import type { PurchaseOrder } from '../../canonical/generated/types';
import type { InboundPorts } from '../../domain/edi/inbound-interchange';
import { transmitPurchaseOrder } from '../../domain/edi/purchase-order-transmission';
import type { X12Codec } from '../../domain/ports/edi-x12';
import type { EdiLedger, PurchaseOrderTransmission, ReceivedFile } from '../../domain/ports/edi-ledger';
import type { EdiMailbox } from '../../domain/ports/edi-mailbox';
import { PARTNER, purchaseOrder } from '../fixtures/edi';

/** A write-once mailbox in a map. */
export function memoryMailbox(
  files = new Map<string, string>(),
): EdiMailbox & { files: Map<string, string> } {
  return {
    files,
    read: async (key) => {
      const text = files.get(key);
      if (text === undefined) throw new Error(`no file ${key}`);
      return text;
    },
    file: (key) => {
      // Every read is of the text the first read saw, as S3's If-Match makes it.
      let pinned: string | undefined;
      return {
        stream: async function* () {
          const text = files.get(key);
          if (text === undefined) throw new Error(`no file ${key}`);
          if (pinned !== undefined && text !== pinned)
            throw new Error(`${key} was replaced since it was read`);
          pinned = text;
          // Small chunks, so a segment, or the ISA itself, spans two of them.
          for (let at = 0; at < text.length; at += 37) yield text.slice(at, at + 37);
        },
      };
    },
    write: async (key, text) => {
      if (files.has(key)) return 'already-there';
      files.set(key, text);
      return 'written';
    },
  };
}

/** An EDI ledger in maps, first writer wins as in DynamoDB. */
export function memoryLedger(): EdiLedger & {
  transmissions: PurchaseOrderTransmission[];
  awaited: Map<string, PurchaseOrderTransmission>;
} {
  const counters = new Map<string, number>();
  const transmissions: PurchaseOrderTransmission[] = [];
  const files = new Map<string, ReceivedFile>();
  const interchanges = new Map<string, string>();
  const awaited = new Map<string, PurchaseOrderTransmission>();
  const acknowledged = new Set<string>();
  const rank = { '00': 1, '05': 2, '01': 3 } as const;
  return {
    transmissions,
    awaited,
    nextInterchangeNumber: async (partnerId) => {
      const next = (counters.get(partnerId) ?? 0) + 1;
      counters.set(partnerId, next);
      return next;
    },
    transmissionOf: async (partnerId, poNumber, revision, purpose) =>
      transmissions.find(
        (t) =>
          t.partnerId === partnerId &&
          t.poNumber === poNumber &&
          t.revision === revision &&
          t.purpose === purpose,
      ),
    latestTransmission: async (partnerId, poNumber) =>
      transmissions
        .filter((t) => t.partnerId === partnerId && t.poNumber === poNumber)
        .sort((a, b) => b.revision - a.revision || rank[b.purpose] - rank[a.purpose])[0],
    recordTransmission: async (t) => {
      const kept = transmissions.find(
        (x) =>
          x.partnerId === t.partnerId &&
          x.poNumber === t.poNumber &&
          x.revision === t.revision &&
          x.purpose === t.purpose,
      );
      if (kept) return kept;
      transmissions.push(t);
      return t;
    },
    recordReceivedFile: async (file) => {
      const id = `${file.partnerId}|${file.key}`;
      if (!files.has(id)) files.set(id, file);
      return files.get(id)!;
    },
    claimInterchange: async (partnerId, controlNumber, key) => {
      const id = `${partnerId}|${controlNumber}`;
      if (!interchanges.has(id)) interchanges.set(id, key);
      return interchanges.get(id)!;
    },
    awaitAcknowledgement: async (t) => {
      const id = `${t.partnerId}|${t.interchangeNumber}`;
      if (!awaited.has(id) && !acknowledged.has(id)) awaited.set(id, t);
    },
    recordAcknowledgement: async (partnerId, interchangeNumber) => {
      const id = `${partnerId}|${interchangeNumber}`;
      acknowledged.add(id);
      awaited.delete(id);
    },
    unacknowledgedSentBefore: async (partnerId, sentBefore) =>
      [...awaited.values()].filter((t) => t.partnerId === partnerId && t.preparedAt <= sentBefore),
  };
}

/** Receiving ports for the demo partner over a memory ledger and mailbox, publishing into `published`. */
export function memoryInboundPorts(
  now: () => Date,
  published: CanonicalEvent[],
  metric?: InboundPorts['metric'],
): InboundPorts & { ledger: ReturnType<typeof memoryLedger>; mailbox: ReturnType<typeof memoryMailbox> } {
  let ids = 0;
  return {
    partners: [PARTNER],
    ledger: memoryLedger(),
    mailbox: memoryMailbox(),
    codec: nodeX12Codec,
    publish: async (events) => void published.push(...events),
    now,
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    tenantId: 'dev',
    metric,
  };
}

/**
 * The demo partner's receiving world at `now`: `order` already sent to the partner as an 850
 * (none when null), what is published and the names of the metrics counted.
 */
export async function inboundWorld(
  now: Date,
  order: PurchaseOrder | null = purchaseOrder(),
  codec: X12Codec = nodeX12Codec,
) {
  const published: CanonicalEvent[] = [];
  const metrics: string[] = [];
  const ports = {
    ...memoryInboundPorts(
      () => now,
      published,
      (name) => void metrics.push(name),
    ),
    codec,
  };
  if (order) await transmitPurchaseOrder(order, { ...ports, now: () => now });
  return { ports, published, metrics };
}
