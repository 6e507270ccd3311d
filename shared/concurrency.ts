/**
 * Runs `work` on every item with at most `limit` at once, in order of the items; resolves with
 * the results in the items' order, or rejects with the first failure (work already started
 * finishes, none is started after). Used for bounded parallel file reads, copies and uploads.
 * Runs anywhere (pure).
 */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const runner = async (): Promise<void> => {
    for (let index = next++; index < items.length && !failed; index = next++) {
      try {
        results[index] = await work(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, runner));
  return results;
}
