/**
 * The merge join of reconciliation: three streams of one kind of view each (Supplyline's records,
 * the platform's orders, the ERP's orders), every stream sorted by the middleware's reference,
 * joined into one order's three views at a time. Memory holds one view per stream, however many
 * orders the streams carry: the plan for extracts too large to hold (a million orders in 256 MiB).
 *
 * References compare by UTF-16 code unit (JavaScript's `<`, `Array.prototype.sort()` without a
 * comparator): an extract must be sorted the same way. A stream out of that order is refused
 * rather than joined wrongly, since a wrong join would report orders missing that are not.
 */
import type { ProcurementPurchaseOrder } from '../ports/procurement';
import type { ErpOrderView, OrderViews, RecordedOrder } from './types';

/** Thrown when a stream is not sorted by reference. */
export class UnsortedStreamError extends Error {
  constructor(stream: string, previous: string, next: string) {
    super(
      `the ${stream} stream is not sorted by reference: ${JSON.stringify(next)} after ${JSON.stringify(previous)}`,
    );
    this.name = 'UnsortedStreamError';
  }
}

/** The head of one sorted stream, advanced only as far as the reference asked for. */
class SortedCursor<T extends { externalRef: string }> {
  private readonly iterator: AsyncIterator<T>;
  private head: T | undefined;
  private done = false;
  private started = false;

  constructor(
    private readonly name: string,
    stream: AsyncIterable<T>,
  ) {
    this.iterator = stream[Symbol.asyncIterator]();
  }

  /** The view with this reference, or null; views before it (no record of theirs) are passed over. */
  async take(reference: string): Promise<T | null> {
    if (!this.started) {
      this.started = true;
      await this.advance();
    }
    while (!this.done && this.head!.externalRef < reference) await this.advance();
    if (this.done || this.head!.externalRef !== reference) return null;
    const found = this.head!;
    await this.advance();
    return found;
  }

  private async advance(): Promise<void> {
    const previous = this.head?.externalRef;
    const next = await this.iterator.next();
    if (next.done) {
      this.done = true;
      this.head = undefined;
      return;
    }
    if (previous !== undefined && next.value.externalRef < previous)
      throw new UnsortedStreamError(this.name, previous, next.value.externalRef);
    this.head = next.value;
  }
}

/**
 * Each recorded order with the platform's and the ERP's view of the same reference (null where a
 * system has none). Supplyline's records drive: a platform or ERP order without a record is passed
 * over, as the paged run passes over it (ADR 0011, "Consequences and limits").
 */
export async function* joinByReference(
  recorded: AsyncIterable<RecordedOrder>,
  procurement: AsyncIterable<ProcurementPurchaseOrder>,
  erp: AsyncIterable<ErpOrderView>,
): AsyncGenerator<OrderViews> {
  const platform = new SortedCursor('procurement', procurement);
  const ledger = new SortedCursor('erp', erp);
  let previous: string | undefined;
  for await (const record of recorded) {
    // Strictly ascending: a reference recorded twice would be compared (and repaired) twice.
    if (previous !== undefined && !(previous < record.externalRef))
      throw new UnsortedStreamError('recorded', previous, record.externalRef);
    previous = record.externalRef;
    yield {
      recorded: record,
      procurement: await platform.take(record.externalRef),
      erp: await ledger.take(record.externalRef),
    };
  }
}
