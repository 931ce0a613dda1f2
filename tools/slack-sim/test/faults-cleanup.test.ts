import { type SlackSim, startSlackSim } from '../src/index.js';

describe('an armed latency fault', () => {
  async function slowRequest(sim: SlackSim): Promise<{ settled: Promise<number> }> {
    await sim.control.fault({ kind: 'latency', method: 'auth.test', latencyMs: 20_000 });
    const started = Date.now();
    const settled = fetch(`${sim.apiUrl}auth.test`, { method: 'POST' }).then(() => Date.now() - started,
      () => Date.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { settled };
  }

  test('a reset ends the wait at once instead of leaving its timer running', async () => {
    const sim = await startSlackSim();
    try {
      const { settled } = await slowRequest(sim);
      await sim.control.reset();
      expect(await settled).toBeLessThan(2000);
    } finally {
      await sim.close();
    }
  });

  test('closing the simulator ends the wait at once', async () => {
    const sim = await startSlackSim();
    const { settled } = await slowRequest(sim);
    const started = Date.now();
    await sim.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await settled).toBeLessThan(2000);
  });
});
