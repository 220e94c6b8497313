/**
 * What every ShipmentVersions must do (the DynamoDB one and the tests' map): per supplier and
 * shipment id, versions by issue time; the one taken is applied again on a retry; an older one is
 * stale; a newer one waits while an older one is being applied, and takes over once it ended or ran
 * out. Each case uses its own shipment id, so one store serves them all.
 */
import { describe, expect, it } from 'vitest';
import type { ShipmentVersions } from '../../../domain/ports/shipment-versions';

/** The store under test and the clock it reads (the cases' instants are around it). */
export interface ShipmentVersionsSubject {
  readonly versions: ShipmentVersions;
  readonly now: Date;
}

const at = (minute: number) => `2026-12-05T14:${String(minute).padStart(2, '0')}:00.000Z`;

export function shipmentVersionsContract(name: string, subject: () => ShipmentVersionsSubject): void {
  describe(`ShipmentVersions contract: ${name}`, () => {
    const later = () => new Date(subject().now.getTime() + 900_000).toISOString();
    const earlier = () => new Date(subject().now.getTime() - 1_000).toISOString();

    it('takes a first version, the same one again (a retry), and a newer one once released', async () => {
      const { versions } = subject();
      expect(await versions.take('S-1', 'SHP-A', at(0), later())).toEqual({ outcome: 'taken' });
      expect(await versions.take('S-1', 'SHP-A', at(0), later())).toEqual({ outcome: 'taken' });
      await versions.release('S-1', 'SHP-A', at(0));
      expect(await versions.take('S-1', 'SHP-A', at(5), later())).toEqual({ outcome: 'taken' });
    });

    it('finds an older version stale, while applying the newer one and after', async () => {
      const { versions } = subject();
      await versions.take('S-1', 'SHP-B', at(10), later());
      expect(await versions.take('S-1', 'SHP-B', at(5), later())).toEqual({
        outcome: 'superseded',
        latestIssuedAt: at(10),
      });
      await versions.release('S-1', 'SHP-B', at(10));
      expect(await versions.take('S-1', 'SHP-B', at(5), later())).toMatchObject({ outcome: 'superseded' });
      // Released, the version taken stays the latest: a retry of it takes it again.
      expect(await versions.take('S-1', 'SHP-B', at(10), later())).toEqual({ outcome: 'taken' });
    });

    it('makes a newer version wait while an older one is being applied, until it runs out', async () => {
      const { versions } = subject();
      const until = later();
      await versions.take('S-1', 'SHP-C', at(0), until);
      expect(await versions.take('S-1', 'SHP-C', at(5), later())).toEqual({ outcome: 'busy', until });
      // The older one's applying ran out (its function died): the newer one takes over.
      await versions.take('S-1', 'SHP-D', at(0), earlier());
      expect(await versions.take('S-1', 'SHP-D', at(5), later())).toEqual({ outcome: 'taken' });
    });

    it('keeps suppliers and shipment ids apart', async () => {
      const { versions } = subject();
      await versions.take('S-1', 'SHP-E', at(10), later());
      expect(await versions.take('S-2', 'SHP-E', at(5), later())).toEqual({ outcome: 'taken' });
      expect(await versions.take('S-1', 'SHP-F', at(5), later())).toEqual({ outcome: 'taken' });
    });

    it('ignores the release of a version no longer the latest', async () => {
      const { versions } = subject();
      await versions.take('S-1', 'SHP-G', at(0), earlier());
      await versions.take('S-1', 'SHP-G', at(5), later());
      await versions.release('S-1', 'SHP-G', at(0));
      expect(await versions.take('S-1', 'SHP-G', at(9), later())).toMatchObject({ outcome: 'busy' });
    });

    it('lets exactly one of two versions taken at the same moment go first, and the older never after the newer', async () => {
      const { versions } = subject();
      const [older, newer] = await Promise.all([
        versions.take('S-1', 'SHP-H', at(0), later()),
        versions.take('S-1', 'SHP-H', at(5), later()),
      ]);
      // Either the older went first (the newer waits for it) or the newer did (the older is stale).
      expect([
        ['taken', 'busy'],
        ['superseded', 'taken'],
      ]).toContainEqual([older.outcome, newer.outcome]);
    });
  });
}
