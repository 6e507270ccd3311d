import { describe, expect, it } from 'vitest';
import { mapConcurrently } from '../../shared/concurrency';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('mapConcurrently', () => {
  it('keeps the items’ order in the results and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const results = await mapConcurrently([5, 1, 4, 2, 3, 0, 6], 3, async (item) => {
      most = Math.max(most, ++running);
      for (let i = 0; i < item; i += 1) await tick();
      running -= 1;
      return item * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(most).toBe(3);
  });

  it('rejects with the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    await expect(
      mapConcurrently([0, 1, 2, 3, 4, 5], 2, async (item) => {
        started.push(item);
        await tick();
        if (item === 1) throw new Error('item 1 failed');
      }),
    ).rejects.toThrow('item 1 failed');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started).toEqual([0, 1, 2]);
  });
});
