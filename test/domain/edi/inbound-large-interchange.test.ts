/**
 * A large interchange is never held whole: it is checked in a first read, and its events are
 * published a batch at a time during a second read, once the file is answered and claimed. What
 * the first read rejects publishes nothing of its sets; a duplicate is not read again; a file
 * replaced between the two reads changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { streamingX12Codec } from '../../../adapters/edi/x12-segment-reader';
import type { CanonicalEvent } from '../../../canonical/envelope';
import { EVENTS_PER_PUBLISH, receiveInterchange } from '../../../domain/edi/inbound-interchange';
import { shipNoticeSet } from '../../../scripts/bench/edi-interchanges';
import { partnerInterchange, purchaseOrder } from '../../fixtures/edi';
import { inboundWorld } from '../../support/edi-memory';

const NOW = new Date('2026-12-05T14:30:00Z');
const KEY = 'inbound/acme-beverages/large-856.x12';
// Two and a half batches of 856s, each shipping two lines.
const SETS = Math.floor(EVENTS_PER_PUBLISH * 2.5);
const asns = Array.from({ length: SETS }, (_, i) => shipNoticeSet(String(i + 1).padStart(4, '0'), 2));
const large = (options: Parameters<typeof partnerInterchange>[1] = {}) =>
  partnerInterchange([{ gs01: 'SH', gs06: '56', sets: asns.flat() }], options);

/** The demo partner's world, noting each read of the file and what each publish saw of them. */
async function world(text: string) {
  // The function's codec: the file is read as it arrives, not whole.
  const { ports } = await inboundWorld(NOW, purchaseOrder(), streamingX12Codec);
  ports.mailbox.files.set(KEY, text);
  const reads: { ended: boolean }[] = [];
  const publishes: { events: readonly CanonicalEvent[]; readsEnded: boolean[] }[] = [];
  const file = ports.mailbox.file.bind(ports.mailbox);
  const observed = {
    ...ports,
    mailbox: {
      ...ports.mailbox,
      file: (key: string) => {
        const inner = file(key);
        return {
          stream: async function* () {
            const read = { ended: false };
            reads.push(read);
            yield* inner.stream();
            read.ended = true;
          },
        };
      },
    },
    publish: async (events: readonly CanonicalEvent[]) =>
      void publishes.push({ events, readsEnded: reads.map((r) => r.ended) }),
  };
  return { ports: observed, files: ports.mailbox.files, reads, publishes };
}
const published = (publishes: { events: readonly CanonicalEvent[] }[]) => publishes.flatMap((p) => p.events);

describe('receiving a large interchange', () => {
  it('publishes its events a batch at a time while the file is read again, never all at the end', async () => {
    const { ports, reads, publishes } = await world(large());

    const outcome = await receiveInterchange(KEY, ports);

    expect(outcome).toMatchObject({ outcome: 'acknowledged', published: SETS, groups: [{ status: 'A' }] });
    expect(reads).toHaveLength(2);
    expect(publishes.map((p) => p.events.length)).toEqual([
      EVENTS_PER_PUBLISH,
      EVENTS_PER_PUBLISH,
      SETS - 2 * EVENTS_PER_PUBLISH,
    ]);
    // The first batch left while the second read was still under way: nothing waits for the end.
    expect(publishes[0]!.readsEnded).toEqual([true, false]);
    const events = published(publishes);
    expect(new Set(events.map((e) => e.eventType))).toEqual(new Set(['shipment.milestone-reported']));
    expect(events.map((e) => e.idempotencyKey)).toEqual(
      asns.map((_, i) => `shipment:S-1001:SHP-${String(i + 1).padStart(4, '0')}`),
    );
  });

  it('publishes nothing of an interchange whose IEA disagrees, and does not read it again', async () => {
    const { ports, files, reads, publishes } = await world(large({ iea: 'IEA*2*000000101' }));

    const outcome = await receiveInterchange(KEY, ports);

    expect(outcome).toMatchObject({ outcome: 'acknowledged', published: 1, groups: [{ status: 'R' }] });
    expect(reads).toHaveLength(1);
    expect(published(publishes).map((e) => (e.data as { code?: string }).code)).toEqual([
      'EDI_INTERCHANGE_ENVELOPE',
    ]);
    const answer = [...files].find(([key]) => key.endsWith('-997.x12'))![1];
    expect(answer).toContain(`AK1*SH*56~\nAK9*R*${SETS}*${SETS}*0~`);
  });

  it('acknowledges a duplicate again without reading it a second time or publishing anything', async () => {
    const text = large();
    const { ports, files, reads, publishes } = await world(text);
    files.set(`${KEY}.again`, text);
    await receiveInterchange(KEY, ports);
    const first = { reads: reads.length, published: published(publishes).length };

    const again = await receiveInterchange(`${KEY}.again`, ports);

    expect(again).toMatchObject({ outcome: 'duplicate', published: 0 });
    expect(reads.length - first.reads).toBe(1);
    expect(published(publishes)).toHaveLength(first.published);
  });

  it('fails, publishing nothing, when the file is replaced between its reads; received again, it is the new file', async () => {
    const { ports, files, reads, publishes } = await world(large());
    const replacement = partnerInterchange([{ gs01: 'SH', gs06: '56', sets: asns[0]! }]);
    const file = ports.mailbox.file;
    ports.mailbox.file = (key) => {
      const inner = file(key);
      return {
        stream: async function* () {
          yield* inner.stream();
          if (reads.length === 1) files.set(KEY, replacement);
        },
      };
    };

    await expect(receiveInterchange(KEY, ports)).rejects.toThrow('replaced');
    expect(publishes).toEqual([]);

    const redelivered = await receiveInterchange(KEY, ports);
    expect(redelivered).toMatchObject({ outcome: 'acknowledged', published: 1 });
    expect(published(publishes).map((e) => e.idempotencyKey)).toEqual(['shipment:S-1001:SHP-0001']);
  });
});
