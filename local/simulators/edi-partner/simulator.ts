/**
 * A trading partner on the other side of the EDI mailbox, as AWS Transfer Family would carry it:
 * it picks up what the product wrote to `outbound/<partner>/` and answers in `inbound/<partner>/`.
 *
 * Each 850 gets a 997, then an 855 and the 856s of its behaviour (documents.ts), with the faults
 * switched on (faults.ts). Each of the product's 997s is read and kept, so a test or the seed
 * scenario sees how the product took what the partner sent. Files are written with the product's
 * own envelope rules and codec, as the partner: the profile mirrored (its ISA sender is the partner).
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { S3EdiMailbox } from '../../../adapters/edi/s3-mailbox';
import { nodeX12Codec } from '../../../adapters/edi/x12-codec';
import { outgoingInterchange } from '../../../domain/edi/envelope';
import {
  controlNumber,
  element,
  type ReceivedInterchange,
  type Segment,
} from '../../../domain/edi/interchange';
import { MAILBOX, type TradingPartner, type X12Separators } from '../../../domain/edi/partners';
import { SimulatorControls, type SimulatorRunOptions } from '../controls';
import {
  acceptance997,
  acknowledgement855,
  confirmedLines,
  readPurchaseOrder850,
  revisionOf,
  shipments,
  shipNotice856,
  type AnswerSettings,
  type EdiPartnerBehaviour,
} from './documents';
import {
  ALTERNATE_SEPARATORS,
  NO_EDI_PARTNER_FAULTS,
  withMalformedSegment,
  withWrongSegmentCount,
  type EdiPartnerFaults,
} from './faults';

/** The partner's side of the mailbox. */
export interface PartnerMailbox {
  /** Every key under `prefix`. */
  list(prefix: string): Promise<string[]>;
  read(key: string): Promise<string>;
  write(key: string, text: string): Promise<unknown>;
}

/** The mailbox bucket through S3 (the local runtime's stand-in, or a bucket in AWS). */
export function s3PartnerMailbox(s3: S3Client, bucketName: string): PartnerMailbox {
  const files = new S3EdiMailbox(s3, bucketName);
  return {
    list: async (prefix) => {
      const keys: string[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: bucketName, Prefix: prefix, ContinuationToken }),
        );
        keys.push(...(page.Contents ?? []).map((o) => o.Key!));
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return keys;
    },
    read: (key) => files.read(key),
    write: (key, text) => files.write(key, text),
  };
}

/** Settings of the partner simulator. */
export interface EdiPartnerSimulatorOptions extends SimulatorRunOptions<EdiPartnerFaults>, AnswerSettings {
  /** The product's profile of this partner (application/edi-partners.ts). */
  partner: TradingPartner;
  mailbox: PartnerMailbox;
  /** @default 'accept-all' */
  behaviour?: EdiPartnerBehaviour;
  /** How often the outbound folder is looked at. @default 250 */
  pollIntervalMs?: number;
  /** The partner's first ISA13. @default 1 */
  firstControlNumber?: number;
}

/** A file the partner wrote. */
export interface PartnerFile {
  readonly key: string;
  /** `997`, `855` or `856`. */
  readonly setId: string;
  readonly controlNumber: string;
  /** The purchase order it answers (a 997 answering several: their numbers, comma-separated). */
  readonly poNumber: string;
  /** The key of the 850 it answers. */
  readonly inReplyTo: string;
  /** BSN02, for an 856. */
  readonly shipmentId?: string;
  /** The faults it carries. */
  readonly faults: readonly (keyof EdiPartnerFaults)[];
  readonly text: string;
}

/** One of the product's 997s, as the partner read it. */
export interface ReceivedAcknowledgement {
  readonly key: string;
  /** AK101/AK102: the partner's group it answers. */
  readonly functionalId: string;
  readonly groupControlNumber: string;
  /** AK901. */
  readonly status: string;
  /** AK2/AK5 per set: ST01, ST02, AK501 and AK502. */
  readonly sets: readonly { setId: string; controlNumber: string; status: string; code?: string }[];
}

/** The trading partner simulator (see the file header). */
export class EdiPartnerSimulator extends SimulatorControls<EdiPartnerFaults> {
  /** What the partner wrote, in order. */
  readonly written: PartnerFile[] = [];
  /** The 850s it picked up (their keys). */
  readonly purchaseOrdersReceived: string[] = [];
  /** The product's 997s it picked up. */
  readonly acknowledgementsReceived: ReceivedAcknowledgement[] = [];
  private behaviourSetting: EdiPartnerBehaviour;
  private nextControlNumber: number;
  private readonly seen = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: EdiPartnerSimulatorOptions) {
    super(NO_EDI_PARTNER_FAULTS, options);
    this.behaviourSetting = options.behaviour ?? 'accept-all';
    this.nextControlNumber = options.firstControlNumber ?? 1;
  }

  /** A partner answering from now on, polling every `pollIntervalMs`. */
  static start(options: EdiPartnerSimulatorOptions): EdiPartnerSimulator {
    const simulator = new EdiPartnerSimulator(options);
    simulator.schedule();
    return simulator;
  }

  get partner(): TradingPartner {
    return this.options.partner;
  }

  get behaviour(): EdiPartnerBehaviour {
    return this.behaviourSetting;
  }

  /** How the partner answers the 850s it picks up from now on. */
  setBehaviour(behaviour: EdiPartnerBehaviour): void {
    this.behaviourSetting = behaviour;
  }

  /** Looks at the outbound folder once: answers each new 850 and reads each new 997. */
  poll(): Promise<void> {
    this.polling = this.polling.then(() => this.pollOnce());
    return this.polling;
  }

  /** Stops polling; resolves once the poll under way is done. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      // A failed look (the mailbox not reachable yet) is tried again at the next one.
      this.poll()
        .catch(() => undefined)
        .finally(() => this.schedule());
    }, this.options.pollIntervalMs ?? 250);
  }

  private async pollOnce(): Promise<void> {
    const { mailbox, partner } = this.options;
    const keys = (await mailbox.list(MAILBOX.outboundPrefix(partner.partnerId))).sort();
    for (const key of keys.filter((k) => !this.seen.has(k))) {
      const decoded = nodeX12Codec.decode(await mailbox.read(key));
      this.seen.add(key);
      if (decoded.kind !== 'interchange') continue;
      for (const group of decoded.interchange.groups) {
        const functionalId = element(group.header, 1);
        if (functionalId === 'PO') await this.answerOrders(key, decoded.interchange, group.sets.length);
        else if (functionalId === 'FA')
          this.acknowledgementsReceived.push(...readAcknowledgements(key, group.sets));
      }
    }
  }

  /** The 997, 855 and 856s for the 850s of `key`. */
  private async answerOrders(key: string, interchange: ReceivedInterchange, count: number): Promise<void> {
    this.purchaseOrdersReceived.push(key);
    const behaviour = this.behaviourSetting;
    if (behaviour === 'never-answer' || count === 0) return;
    const separators = this.roll(this.faults.alternateSeparatorsRate) ? ALTERNATE_SEPARATORS : undefined;
    const shared = separators ? (['alternateSeparatorsRate'] as const) : ([] as const);
    for (const group of interchange.groups.filter((g) => element(g.header, 1) === 'PO')) {
      const orders = group.sets.map(readPurchaseOrder850);
      const poNumber = orders.map((o) => (typeof o === 'string' ? '' : o.poNumber)).join(',');
      await this.send('997', [acceptance997(group)], { poNumber, inReplyTo: key }, [...shared], separators);
      for (const order of orders) {
        // A cancellation is acknowledged by the 997 alone: nothing left to confirm or ship.
        if (typeof order === 'string' || order.purpose === '01') continue;
        const lines = confirmedLines(order, behaviour, this.options);
        const faults: (keyof EdiPartnerFaults)[] = [...shared];
        let body = acknowledgement855(order.poNumber, lines, this.now().toISOString().slice(0, 10));
        if (this.roll(this.faults.malformedSegmentRate)) {
          body = withMalformedSegment(body);
          faults.push('malformedSegmentRate');
        }
        const wrongCount = this.roll(this.faults.wrongCountRate);
        if (wrongCount) faults.push('wrongCountRate');
        const duplicate = this.roll(this.faults.duplicateInterchangeRate);
        const about = { poNumber: order.poNumber, inReplyTo: key };
        const file = await this.send('855', [body], about, faults, separators, wrongCount);
        if (duplicate)
          await this.writeFile({
            ...file,
            key: file.key.replace(/\.x12$/, '-again.x12'),
            faults: [...faults, 'duplicateInterchangeRate'],
          });
        const shipNumber = this.nextControlNumber;
        for (const shipment of shipments(lines, behaviour, (n) => `SHP-${shipNumber}-${n}`, this.options)) {
          await this.send(
            '856',
            [shipNotice856(order.poNumber, shipment)],
            { ...about, shipmentId: shipment.shipmentId },
            [...shared],
            separators,
          );
          // Issued half an hour after the original (BSN04), in its own interchange.
          const revision = revisionOf(shipment, behaviour, this.options);
          if (revision)
            await this.send(
              '856',
              [shipNotice856(order.poNumber, revision.shipment, '1500', revision.purpose)],
              { ...about, shipmentId: shipment.shipmentId },
              [...shared],
              separators,
            );
        }
      }
    }
  }

  private async send(
    setId: string,
    bodies: readonly (readonly Segment[])[],
    about: Pick<PartnerFile, 'poNumber' | 'inReplyTo' | 'shipmentId'>,
    faults: (keyof EdiPartnerFaults)[],
    separators: X12Separators | undefined,
    wrongCount = false,
  ): Promise<PartnerFile> {
    const partner = this.options.partner;
    const asPartner: TradingPartner = {
      ...partner,
      partner: partner.us,
      us: partner.partner,
      partnerGroupCode: partner.ourGroupCode,
      ourGroupCode: partner.partnerGroupCode,
      separators: separators ?? partner.separators,
    };
    const number = this.nextControlNumber++;
    const interchange = outgoingInterchange(asPartner, setId, number, this.now(), bodies);
    let text = nodeX12Codec.encode(interchange);
    if (wrongCount) text = withWrongSegmentCount(text, interchange.separators);
    const controlNumberText = controlNumber(number, 9);
    const file: PartnerFile = {
      key: `${MAILBOX.inboundPrefix(partner.partnerId)}${controlNumberText}-${setId}.x12`,
      setId,
      controlNumber: controlNumberText,
      ...about,
      faults,
      text,
    };
    await this.writeFile(file);
    return file;
  }

  private async writeFile(file: PartnerFile): Promise<void> {
    await this.options.mailbox.write(file.key, file.text);
    this.written.push(file);
  }
}

function readAcknowledgements(
  key: string,
  sets: ReceivedInterchange['groups'][number]['sets'],
): ReceivedAcknowledgement[] {
  return sets.map((set) => {
    const ak1 = set.segments.find((s) => s.tag === 'AK1');
    const ak9 = set.segments.find((s) => s.tag === 'AK9');
    const answered: ReceivedAcknowledgement['sets'][number][] = [];
    for (const segment of set.segments) {
      if (segment.tag === 'AK2')
        answered.push({ setId: element(segment, 1), controlNumber: element(segment, 2), status: '' });
      else if (segment.tag === 'AK5' && answered.length > 0) {
        const code = element(segment, 2);
        answered[answered.length - 1] = {
          ...answered.at(-1)!,
          status: element(segment, 1),
          ...(code ? { code } : {}),
        };
      }
    }
    return {
      key,
      functionalId: ak1 ? element(ak1, 1) : '',
      groupControlNumber: ak1 ? element(ak1, 2) : '',
      status: ak9 ? element(ak9, 1) : '',
      sets: answered,
    };
  });
}
