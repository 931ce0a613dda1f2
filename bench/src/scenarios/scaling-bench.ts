import { env } from '@megatron/runtime';
import { relayRun } from '../relay/relay-run.js';
import type { RssByProcess } from '../rss.js';
import { megatronLanes, notMeasured, type Measured } from './relay-bench.js';
import { withRelaySandbox } from './relay-sandbox.js';

export interface ScalingPoint {
  replicas: number;
  /** COMMAND_PARTITIONS. */
  partitions: number;
  channels: number;
  messagesPerChannel: number;
  result: Measured<{ messagesPerSecond: number; p99Ms: number | null; faults: number; rssIdleMiB: RssByProcess; rssPeakMiB: RssByProcess }>;
}

/** The services' own default, so the report names what a deployment gets without setting it. */
export const DEFAULT_PARTITIONS: number = env.commandPartitions.parse(undefined);

/** One sandbox per point, so each starts from the same empty state. */
export async function scalingPoint(
  point: { replicas: number; channels: number; partitions: number },
  totalMessages: number,
  concurrency: number,
  runId: string,
): Promise<ScalingPoint> {
  const { replicas, channels, partitions } = point;
  const messagesPerChannel = Math.max(2, Math.ceil(totalMessages / channels));
  // Every point through the balancer, one replica too, so that the points differ only in what they vary.
  const options = { replicas, balanced: true, ...(partitions === DEFAULT_PARTITIONS ? {} : { partitions }) };
  const result = await withRelaySandbox(options, async ({ sandbox, pids }) => {
    try {
      const lanes = await megatronLanes(sandbox, channels, runId);
      const run = await relayRun({
        control: sandbox.sim.control,
        lanes,
        appId: sandbox.seed.integration.megatron.appId,
        pids,
        messagesPerLane: messagesPerChannel,
        concurrency,
        runId: `${runId}s`,
        stallMs: 15_000,
      });
      return {
        measured: true as const,
        value: {
          messagesPerSecond: run.messagesPerSecond,
          p99Ms: run.endToEndMs?.p99 ?? null,
          faults: run.faults.orderViolations + run.faults.duplicates + run.faults.missing,
          rssIdleMiB: run.rssIdleMiB,
          rssPeakMiB: run.rssPeakMiB,
        },
      };
    } catch (error) {
      return notMeasured(error);
    }
  });
  return { replicas, partitions, channels, messagesPerChannel, result };
}
