import { mapConcurrently } from './concurrency.js';

describe('mapConcurrently', () => {
  test('keeps the items’ order and never more than the limit in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapConcurrently([30, 5, 20, 1, 10, 2, 15], 3, async (ms, index) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, ms));
      inFlight -= 1;
      return `${index}:${ms}`;
    });
    expect(results).toEqual(['0:30', '1:5', '2:20', '3:1', '4:10', '5:2', '6:15']);
    expect(most).toBe(3);
  });

  test('no items, no work', async () => {
    expect(await mapConcurrently([], 4, () => Promise.reject(new Error('never called')))).toEqual([]);
  });

  test('a failure rejects the whole', async () => {
    await expect(mapConcurrently([1, 2, 3], 2, async (n) => (n === 2 ? Promise.reject(new Error('two failed')) : n))).rejects.toThrow('two failed');
  });

  test('after a failure no item starts, and it rejects only once the items in flight have settled', async () => {
    const started: number[] = [];
    const settled: number[] = [];
    const outcome = mapConcurrently([0, 1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      if (n === 1) throw new Error('one failed');
      await new Promise((resolve) => setTimeout(resolve, 30));
      settled.push(n);
      return n;
    });
    await expect(outcome).rejects.toThrow('one failed');
    expect(started).toEqual([0, 1]);
    expect(settled).toEqual([0]);
  });
});
