import type { Sandbox } from '@megatron/sandbox';
import { createTestDatabase } from '@megatron/testkit';
import { startBaselineRelay } from '../baseline/baseline-relay.js';
import { buildBaselineWorld } from '../baseline/baseline-world.js';
import type { Lane } from '../relay/lane.js';
import { buildMegatronWorld, RelayNotFunctional } from '../relay/megatron-world.js';
import { relayRun, type RelayRun } from '../relay/relay-run.js';
import { servicesCpu } from '../cpu.js';
import type { DeliveryFaults } from '../delivery-check.js';
import { median, ratio } from '../stats.js';
import type { RelaySandbox } from './relay-sandbox.js';

export interface RelaySize {
  channels: number;
  messagesPerChannel: number;
  /** Agent posts in flight at once in the saturation runs. */
  concurrency: number;
  /** Baseline and Megatron runs, in pairs, per load (saturated, then paced); the ratios are the pairs' medians. */
  rounds: number;
}

export type Measured<T> = { measured: true; value: T } | { measured: false; reason: string };

/** One pair of runs under the same load, one right after the other. */
export interface RelayPair {
  baseline: RelayRun;
  megatron: RelayRun;
}

/** Megatron ÷ baseline within one pair of runs. */
export interface PairRatios {
  /** Saturated throughput. */
  throughput: number | null;
  /** Paced end-to-end latency. */
  p50: number | null;
  p99: number | null;
  /** CPU per message (saturated) of all Megatron's services together ÷ the baseline process's. */
  cpu: number | null;
}

export interface RelayComparison {
  size: RelaySize;
  /** Offered load of the paced runs, the same for both: half of what the slower of the two sustained. */
  pacedRatePerSecond: number;
  baseline: { saturated: RelayRun; paced: RelayRun };
  /** The pairs' runs shown in detail: the saturated pair with the median throughput ratio, the paced pair with the median p99 ratio. */
  megatron: Measured<{ saturated: RelayRun; paced: RelayRun }>;
  /** The median of the pairs' ratios. */
  ratios: PairRatios;
  /** Each pair's ratios, saturated and paced pairs taken in the order they ran. */
  rounds: PairRatios[];
  /** Added up over every run of the side, shown in detail or not. */
  faults: { baseline: DeliveryFaults; megatron: DeliveryFaults; megatronFailedAcks: number };
}

function totalFaults(runs: readonly RelayRun[]): DeliveryFaults {
  return runs.reduce(
    (sum, run) => ({ orderViolations: sum.orderViolations + run.faults.orderViolations, duplicates: sum.duplicates + run.faults.duplicates, missing: sum.missing + run.faults.missing }),
    { orderViolations: 0, duplicates: 0, missing: 0 },
  );
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

/** The pair whose value is the median of the pairs' (the first of them when values repeat). */
function medianPair<T>(pairs: readonly T[], value: (pair: T) => number | null): T {
  const middle = median(pairs.map(value));
  return pairs.find((pair) => value(pair) === middle) ?? (pairs[0] as T);
}

/**
 * Baseline and Megatron on the same simulator, same machine, same run, in pairs: `rounds` saturated pairs, then
 * `rounds` paced pairs, the side that goes first alternating from pair to pair so that a machine getting slower or
 * faster during the run weighs on both. Each pair gives its ratios; the comparison reports their medians.
 */
export async function compareRelays({ sandbox, pids, jetstream }: RelaySandbox, size: RelaySize, runId: string): Promise<RelayComparison> {
  const sim = sandbox.sim;
  const database = await createTestDatabase();
  // The example support bot hears the baseline's customer DMs too, under the secret of Megatron's customers' install.
  const world = await buildBaselineWorld(sim, size.channels, runId, { eventsUrl: `${sandbox.urls.bot}/slack/events`, signingSecret: sandbox.seed.globex.supportBot.signingSecret });
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

    const throughputOf = (pair: RelayPair) => ratio(pair.megatron.messagesPerSecond, pair.baseline.messagesPerSecond);
    const p99Of = (pair: RelayPair) => ratio(pair.megatron.endToEndMs?.p99, pair.baseline.endToEndMs?.p99);
    let saturatedPairs: RelayPair[];
    let pacedPairs: RelayPair[];
    let pacedRatePerSecond: number;
    try {
      const lanes = await megatronLanes(sandbox, size.channels, runId);
      const megatronRun = (id: string, ratePerSecond?: number) =>
        relayRun({ ...common, lanes, appId: sandbox.seed.integration.megatron.appId, pids, jetstream, runId: id, ...(ratePerSecond ? { ratePerSecond } : {}) });
      const pairs = async (load: 'w' | 's' | 'p', ratePerSecond?: number, count = size.rounds): Promise<RelayPair[]> => {
        const done: RelayPair[] = [];
        for (let round = 0; round < count; round += 1) {
          const id = (side: 'b' | 'm') => `${runId}${side}${load}${round}`;
          if (round % 2 === 0) {
            const baseline = await baselineRun(id('b'), ratePerSecond);
            done.push({ baseline, megatron: await megatronRun(id('m'), ratePerSecond) });
          } else {
            const megatron = await megatronRun(id('m'), ratePerSecond);
            done.push({ baseline: await baselineRun(id('b'), ratePerSecond), megatron });
          }
        }
        return done;
      };
      // One saturated pair first, not reported: both sides' code is compiled and their pools filled before a measured run.
      await pairs('w', undefined, 1);
      saturatedPairs = await pairs('s');
      // Latency is compared where neither side queues: at half the capacity of the slower one.
      const slower = Math.min(...(['baseline', 'megatron'] as const).map((side) => median(saturatedPairs.map((pair) => pair[side].messagesPerSecond)) ?? 0));
      pacedRatePerSecond = Math.max(1, Math.round(slower / 2));
      pacedPairs = await pairs('p', pacedRatePerSecond);
    } catch (error) {
      // The baseline is still reported, at half its own capacity for the paced run.
      const saturated = await baselineRun(`${runId}bs`);
      const rate = Math.max(1, Math.round(saturated.messagesPerSecond / 2));
      const unmeasured = { throughput: null, p50: null, p99: null, cpu: null };
      const paced = await baselineRun(`${runId}bp`, rate);
      const faults = { baseline: totalFaults([saturated, paced]), megatron: totalFaults([]), megatronFailedAcks: 0 };
      return { size, pacedRatePerSecond: rate, baseline: { saturated, paced }, megatron: notMeasured(error), ratios: unmeasured, rounds: [], faults };
    }

    const rounds = saturatedPairs.map((saturated, index): PairRatios => {
      const paced = pacedPairs[index] as RelayPair;
      return {
        throughput: throughputOf(saturated),
        p50: ratio(paced.megatron.endToEndMs?.p50, paced.baseline.endToEndMs?.p50),
        p99: p99Of(paced),
        cpu: ratio(servicesCpu(saturated.megatron.cpuMsPerMessage), servicesCpu(saturated.baseline.cpuMsPerMessage)),
      };
    });
    const all = [...saturatedPairs, ...pacedPairs];
    const saturated = medianPair(saturatedPairs, throughputOf);
    const paced = medianPair(pacedPairs, p99Of);
    return {
      size,
      pacedRatePerSecond,
      baseline: { saturated: saturated.baseline, paced: paced.baseline },
      megatron: { measured: true, value: { saturated: saturated.megatron, paced: paced.megatron } },
      ratios: {
        throughput: median(rounds.map((round) => round.throughput)),
        p50: median(rounds.map((round) => round.p50)),
        p99: median(rounds.map((round) => round.p99)),
        cpu: median(rounds.map((round) => round.cpu)),
      },
      rounds,
      faults: {
        baseline: totalFaults(all.map((pair) => pair.baseline)),
        megatron: totalFaults(all.map((pair) => pair.megatron)),
        megatronFailedAcks: all.reduce((sum, pair) => sum + pair.megatron.failedAcks, 0),
      },
    };
  } finally {
    await relay.stop();
    await database.drop();
  }
}
