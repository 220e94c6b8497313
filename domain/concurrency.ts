/** Bounded concurrency without a library: a page's reads, a few at a time. */

/** Runs `task` on every item, at most `limit` at once; rejects with the first failure. */
export async function runBounded<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
