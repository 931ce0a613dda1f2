import { relayRun } from '../relay/relay-run.js';
import { rssOf, type RssByProcess } from '../rss.js';
import { settle } from '../settle.js';
import { spreadSample } from '../spread-sample.js';
import { megatronLanes } from './relay-bench.js';
import type { RelaySandbox } from './relay-sandbox.js';

export interface MemorySize {
  /** Open engagement channels (one customer each). */
  channels: number;
  /** OpenEngagement calls (with their customer set-up) in flight at once. */
  openConcurrency: number;
  /** Channels relayed into after opening, spread over all of them, so per-channel state is touched. */
  sampleChannels: number;
  messagesPerChannel: number;
}

export interface MemoryPoint {
  size: MemorySize;
  /** Wall time to open every channel. */
  openSeconds: number;
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

/** Memory of every service process with `channels` engagement channels open, at rest and after some relay. */
export async function memoryPoint({ sandbox, pids }: RelaySandbox, size: MemorySize, runId: string, log: (line: string) => void): Promise<MemoryPoint> {
  const openStartedMs = Date.now();
  const lanes = await megatronLanes(sandbox, size.channels, runId, size.openConcurrency);
  const openSeconds = (Date.now() - openStartedMs) / 1000;
  log(`memory: ${size.channels} channels open in ${openSeconds.toFixed(0)} s`);
  await settle(pids, SETTLE);
  const rssIdleMiB = rssOf(pids);
  const sample = spreadSample(lanes.length, size.sampleChannels).map((index) => lanes[index]).filter((lane) => lane !== undefined);
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
