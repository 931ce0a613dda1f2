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
  /** Peak while the sample was relayed. */
  rssPeakMiB: RssByProcess;
  /** Settled again after the relay. */
  rssAfterLoadMiB: RssByProcess;
  delivered: number;
  sent: number;
  faults: number;
}

const SETTLE = { minMs: 10_000, maxMs: 40_000 };
/**
 * command-core holds a pooled Postgres connection for a customer's lifecycle lock (and for get-a-human's
 * transaction) while it asks the same pool of 10 for more: past about 5 such opens at once every connection
 * can be taken and calls fail after the pool's 5 s connect timeout. Sample opens hold two each (the help
 * request and the open), quiet opens one.
 */
const SAMPLE_OPEN_CONCURRENCY = 4;

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
    rssPeakMiB: run.rssPeakMiB,
    rssAfterLoadMiB: rssOf(pids),
    delivered: run.delivered,
    sent: run.sent,
    faults: run.faults.orderViolations + run.faults.duplicates + run.faults.missing,
  };
}
