import { heapUsedOf, type HeapByService } from '../heap.js';
import { openQuietly } from '../memory/open-quietly.js';
import { relayRun } from '../relay/relay-run.js';
import { rssOf, type RssByProcess } from '../rss.js';
import { settle } from '../settle.js';
import { megatronLanes } from './relay-bench.js';
import type { RelaySandbox } from './relay-sandbox.js';

export interface MemorySize {
  /** Open engagement channels in all (one customer each). */
  channels: number;
  /**
   * Opened the way the relay bench opens them (the customer asks the bot for a person, the bot is paused) and
   * relayed into after everything is open, so per-channel state is touched.
   */
  sampleChannels: number;
  /** The rest: OpenEngagement calls in flight at once, without a help request or a pause. */
  openConcurrency: number;
  messagesPerChannel: number;
}

export interface MemoryPoint {
  size: MemorySize;
  /** Wall time to open the sample channels, then the rest. */
  openSeconds: { sample: number; rest: number };
  /** Settled, with every channel open, before any relay. */
  rssIdleMiB: RssByProcess;
  /** V8 heap in use at the same moment (live objects; the rest of RSS is code, buffers and freed pages kept). */
  heapIdleMiB: HeapByService;
  /** Peak while the sample was relayed. */
  rssPeakMiB: RssByProcess;
  /** Settled again after the relay. */
  rssAfterLoadMiB: RssByProcess;
  delivered: number;
  sent: number;
  faults: number;
}

const SETTLE = { minMs: 10_000, maxMs: 40_000 };
/** Help requests and opens in flight at once for the sample channels, as the relay bench opens them. */
const SAMPLE_OPEN_CONCURRENCY = 8;

/** Memory of every service process with `channels` engagement channels open, at rest and after some relay. */
export async function memoryPoint({ sandbox, pids }: RelaySandbox, size: MemorySize, runId: string, log: (line: string) => void): Promise<MemoryPoint> {
  const sampleStartedMs = Date.now();
  const sample = await megatronLanes(sandbox, size.sampleChannels, runId, SAMPLE_OPEN_CONCURRENCY);
  const restStartedMs = Date.now();
  await openQuietly(sandbox, size.channels - sample.length, runId, size.openConcurrency);
  const openSeconds = { sample: (restStartedMs - sampleStartedMs) / 1000, rest: (Date.now() - restStartedMs) / 1000 };
  log(`memory: ${size.channels} channels open in ${(openSeconds.sample + openSeconds.rest).toFixed(0)} s`);
  await settle(pids, SETTLE);
  const rssIdleMiB = rssOf(pids);
  const heapIdleMiB = await heapUsedOf(sandbox);
  const run = await relayRun({
    control: sandbox.sim.control,
    lanes: sample,
    appId: sandbox.seed.integration.megatron.appId,
    pids,
    messagesPerLane: size.messagesPerChannel,
    concurrency: 16,
    runId: `${runId}m`,
    stallMs: 15_000,
  });
  await settle(pids, SETTLE);
  return {
    size,
    openSeconds,
    rssIdleMiB,
    heapIdleMiB,
    rssPeakMiB: run.rssPeakMiB,
    rssAfterLoadMiB: rssOf(pids),
    delivered: run.delivered,
    sent: run.sent,
    faults: run.faults.orderViolations + run.faults.duplicates + run.faults.missing,
  };
}
