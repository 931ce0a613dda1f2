import { freePort, portSlice } from './free-port.js';

describe('freePort', () => {
  it("gives each Jest worker ports of its own, below Linux's ephemeral range", () => {
    const slices = [1, 2, 3, 4, 5, 6, 7, 8].map(portSlice);
    for (const [first, last] of slices) {
      expect(first).toBeGreaterThanOrEqual(20_000);
      expect(last).toBeLessThan(32_768);
      expect(last - first).toBeGreaterThan(1_000);
    }
    for (const [index, [, last]] of slices.entries()) {
      const next = slices[index + 1];
      if (next) expect(last).toBeLessThan(next[0]);
    }
    expect(portSlice(9)).toEqual(portSlice(1));
    expect(portSlice(Number.NaN)).toEqual([20_000, 32_767]);
  });

  it("hands out a port of this worker's slice", async () => {
    const [first, last] = portSlice(Number(process.env.JEST_WORKER_ID));
    const port = await freePort();
    expect(port).toBeGreaterThanOrEqual(first);
    expect(port).toBeLessThanOrEqual(last);
  });
});
