import type { Sandbox } from '@megatron/sandbox';
import { createTestDatabase } from '@megatron/testkit';
import { startBaselineRelay } from '../baseline/baseline-relay.js';
import { buildBaselineWorld } from '../baseline/baseline-world.js';
import type { Lane } from '../relay/lane.js';
import { buildMegatronWorld, RelayNotFunctional } from '../relay/megatron-world.js';
import { relayRun, type RelayRun } from '../relay/relay-run.js';
import { ratio } from '../stats.js';
import type { RelaySandbox } from './relay-sandbox.js';

export interface RelaySize {
  channels: number;
  messagesPerChannel: number;
  /** Agent posts in flight at once in the saturation runs. */
  concurrency: number;
}

export type Measured<T> = { measured: true; value: T } | { measured: false; reason: string };

export interface RelayComparison {
  size: RelaySize;
  /** Offered load of the paced runs, the same for both: half of what the slower of the two sustained. */
  pacedRatePerSecond: number;
  baseline: { saturated: RelayRun; paced: RelayRun };
  megatron: Measured<{ saturated: RelayRun; paced: RelayRun }>;
  /** Megatron ÷ baseline: throughput (saturated), p50 and p99 end-to-end latency (paced). */
  ratios: { throughput: number | null; p50: number | null; p99: number | null };
}

const STALL_MS = 15_000;
const OPEN_TIMEOUT_MS = 20_000;

export function notMeasured(error: unknown): { measured: false; reason: string } {
  if (error instanceof RelayNotFunctional) return { measured: false, reason: `Megatron relay not functional end to end: ${error.message}` };
  return { measured: false, reason: `Megatron relay run failed: ${error instanceof Error ? error.message : String(error)}` };
}

export async function megatronLanes(sandbox: Sandbox, channels: number, runId: string, openConcurrency?: number): Promise<Lane[]> {
  return buildMegatronWorld(sandbox, channels, runId, OPEN_TIMEOUT_MS, openConcurrency);
}

/** Baseline and Megatron on the same simulator, same machine, same run: saturated first, then paced. */
export async function compareRelays({ sandbox, pids, jetstream }: RelaySandbox, size: RelaySize, runId: string): Promise<RelayComparison> {
  const sim = sandbox.sim;
  const database = await createTestDatabase();
  const world = await buildBaselineWorld(sim, size.channels, runId);
  const relay = await startBaselineRelay({
    databaseUrl: database.url,
    slackApiUrl: sim.apiUrl,
    signingSecret: world.relayApp.signingSecret,
    botToken: world.customerBot.botToken,
    routes: world.routes,
  });
  try {
    await sim.control.updateApp(world.relayApp.appId, { eventsUrl: `${relay.url}/slack/events` });
    const common = { control: sim.control, messagesPerLane: size.messagesPerChannel, concurrency: size.concurrency, stallMs: STALL_MS };
    const baselineRun = (id: string, ratePerSecond?: number) =>
      relayRun({ ...common, lanes: world.lanes, appId: world.relayApp.appId, pids: { baseline: relay.pid }, runId: id, ...(ratePerSecond ? { ratePerSecond } : {}) });

    const baselineSaturated = await baselineRun(`${runId}bs`);
    let megatron: RelayComparison['megatron'];
    let pacedRatePerSecond = Math.max(1, Math.round(baselineSaturated.messagesPerSecond / 2));
    let baselinePaced: RelayRun;
    try {
      const lanes = await megatronLanes(sandbox, size.channels, runId);
      const megatronRun = (id: string, ratePerSecond?: number) =>
        relayRun({ ...common, lanes, appId: sandbox.seed.integration.megatron.appId, pids, jetstream, runId: id, ...(ratePerSecond ? { ratePerSecond } : {}) });
      const saturated = await megatronRun(`${runId}ms`);
      // Latency is compared where neither side queues: at half the capacity of the slower one.
      pacedRatePerSecond = Math.max(1, Math.round(Math.min(baselineSaturated.messagesPerSecond, saturated.messagesPerSecond) / 2));
      baselinePaced = await baselineRun(`${runId}bp`, pacedRatePerSecond);
      const paced = await megatronRun(`${runId}mp`, pacedRatePerSecond);
      megatron = { measured: true, value: { saturated, paced } };
    } catch (error) {
      megatron = notMeasured(error);
      baselinePaced = await baselineRun(`${runId}bp`, pacedRatePerSecond);
    }
    const mega = megatron.measured ? megatron.value : undefined;
    return {
      size,
      pacedRatePerSecond,
      baseline: { saturated: baselineSaturated, paced: baselinePaced },
      megatron,
      ratios: {
        throughput: ratio(mega?.saturated.messagesPerSecond, baselineSaturated.messagesPerSecond),
        p50: ratio(mega?.paced.endToEndMs?.p50, baselinePaced.endToEndMs?.p50),
        p99: ratio(mega?.paced.endToEndMs?.p99, baselinePaced.endToEndMs?.p99),
      },
    };
  } finally {
    await relay.stop();
    await database.drop();
  }
}
