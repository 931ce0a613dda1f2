import { cpuMs } from './cpu.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits `minMs`, then until every process used less than `quietShare` of one core over a second (timers,
 * health checks and NATS heartbeats never stop entirely), or `maxMs` in all. RSS read after this is the
 * process at rest, not one caught between a burst of work and the garbage collector. Returns the ms waited.
 */
export async function settle(pids: Readonly<Record<string, number>>, options: { minMs: number; maxMs: number; quietShare?: number }): Promise<number> {
  const startedMs = Date.now();
  const quietShare = options.quietShare ?? 0.05;
  await sleep(options.minMs);
  while (Date.now() - startedMs < options.maxMs) {
    const before = Object.values(pids).map(cpuMs);
    await sleep(1_000);
    const busy = Object.values(pids).some((pid, index) => {
      const start = before[index];
      const end = cpuMs(pid);
      return start !== null && start !== undefined && end !== null && end - start > quietShare * 1_000;
    });
    if (!busy) break;
  }
  return Date.now() - startedMs;
}
