import type { SimControl } from '@megatron/slack-sim';
import { cpuMeter, type CpuByProcess } from '../cpu.js';
import { peakRss, rssOf, type RssByProcess } from '../rss.js';
import type { Lane } from './lane.js';
import { runLoad } from './load.js';
import { measureRelay, type RelayMeasurement } from './measure.js';
import { stageBreakdown, type Stages } from './stages.js';

export interface RelayRunOptions {
  control: SimControl;
  lanes: readonly Lane[];
  /** The app whose event deliveries are the acks measured. */
  appId: string;
  /** Processes whose memory is reported, by name. */
  pids: Readonly<Record<string, number>>;
  messagesPerLane: number;
  concurrency: number;
  ratePerSecond?: number;
  runId: string;
  stallMs: number;
  /** Where Megatron's Commands are stored, to split latency at JetStream; absent for the baseline. */
  jetstream?: { natsUrl: string; namespace: string };
}

export interface RelayRun extends RelayMeasurement {
  rssIdleMiB: RssByProcess;
  rssPeakMiB: RssByProcess;
  /** CPU time per delivered message, by process: where the work goes. */
  cpuMsPerMessage: CpuByProcess;
  stages: Stages | null;
}

/** Idle memory, then the load with memory sampled throughout, then the relay's numbers. */
export async function relayRun(options: RelayRunOptions): Promise<RelayRun> {
  const rssIdleMiB = rssOf(options.pids);
  const sampler = peakRss(options.pids);
  const cpu = cpuMeter(options.pids);
  try {
    const load = await runLoad({
      control: options.control,
      lanes: options.lanes,
      messagesPerLane: options.messagesPerLane,
      runId: options.runId,
      concurrency: options.concurrency,
      ...(options.ratePerSecond ? { ratePerSecond: options.ratePerSecond } : {}),
    });
    const { measurement, samples } = await measureRelay({
      control: options.control,
      lanes: options.lanes,
      runId: options.runId,
      messagesPerLane: options.messagesPerLane,
      load,
      appId: options.appId,
      stallMs: options.stallMs,
    });
    const cpuMsPerMessage = Object.fromEntries(
      Object.entries(cpu.stop()).map(([name, ms]) => [name, ms === null || measurement.delivered === 0 ? null : ms / measurement.delivered]),
    );
    const stages = options.jetstream ? await stageBreakdown(options.jetstream.natsUrl, options.jetstream.namespace, samples) : null;
    return { ...measurement, rssIdleMiB, rssPeakMiB: sampler.stop(), cpuMsPerMessage, stages };
  } finally {
    sampler.stop();
  }
}
