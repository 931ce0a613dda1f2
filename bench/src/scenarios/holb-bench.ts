import { watchChannelChanges } from '../channel-changes.js';
import { openOnce, startOpenLoad, type OpenLoadResult } from '../holb/open-load.js';
import { startSecondOrganization } from '../holb/second-organization.js';
import type { Lane } from '../relay/lane.js';
import { relayRun, type RelayRun, type RelayRunOptions } from '../relay/relay-run.js';
import { ratio } from '../stats.js';
import { megatronLanes } from './relay-bench.js';
import type { RelaySandbox } from './relay-sandbox.js';

export interface HolbSize {
  /** Organization B's engagement channels, relayed into at `ratePerSecond` in all. */
  channels: number;
  messagesPerChannel: number;
  ratePerSecond: number;
  /** How long organization A's app takes to answer search_user. */
  searchDelayMs: number;
  /** A's agents, each with one `/megatron open` in flight at all times, each in a channel of their own. */
  opensInFlight: number;
}

export interface HolbRun {
  size: HolbSize;
  /** B's paced relay with A idle. */
  alone: RelayRun;
  /** The same, while A's agents keep opening channels against their slow app. */
  contended: RelayRun;
  /** contended ÷ alone e2e p99. */
  p99Ratio: number | null;
  opens: OpenLoadResult & { searchesAnswered: number };
}

const STALL_MS = 15_000;
/** B's channels are opened this many at a time, as the relay bench opens them. */
const OPEN_CONCURRENCY = 8;
/** An open waits for the search (searchDelayMs) and, past the per-organization off-lane cap, for earlier opens. */
const OPEN_ANSWER_TIMEOUT_MS = 60_000;

/**
 * Head-of-line blocking across organizations: B's paced relay, first with A idle, then while A's agents keep
 * `opensInFlight` `/megatron open` commands going against an app that answers each search after
 * `searchDelayMs`. Opens run off the ordered channel lanes (a per-organization cap keeps A from taking them
 * all), so B's latency should barely move.
 */
export async function holbRun({ sandbox, pids, jetstream }: RelaySandbox, size: HolbSize, runId: string): Promise<HolbRun> {
  const lanes: Lane[] = await megatronLanes(sandbox, size.channels, runId, OPEN_CONCURRENCY);
  const a = await startSecondOrganization(sandbox, runId, { desks: size.opensInFlight, searchDelayMs: size.searchDelayMs });
  const changes = await watchChannelChanges(sandbox.sim.control);
  try {
    // One open alone first: A's pipeline works end to end (and is warm) before anything is measured.
    const firstDesk = a.desks[0];
    if (!firstDesk) throw new Error('organization A has no agents');
    if ((await openOnce(sandbox.sim.control, changes, a.integrationTeamId, firstDesk, OPEN_ANSWER_TIMEOUT_MS)) === undefined) {
      throw new Error(`organization A's first /megatron open got no answer within ${OPEN_ANSWER_TIMEOUT_MS} ms`);
    }
    const paced = (id: string, messagesPerLane: number) => {
      const options: RelayRunOptions = {
        control: sandbox.sim.control,
        lanes,
        appId: sandbox.seed.integration.megatron.appId,
        pids,
        messagesPerLane,
        concurrency: 16,
        ratePerSecond: size.ratePerSecond,
        runId: id,
        stallMs: STALL_MS,
        jetstream,
      };
      return relayRun(options);
    };
    // A short unreported round, so neither measured run pays for warming B's lanes.
    await paced(`${runId}w`, 2);
    const alone = await paced(`${runId}a`, size.messagesPerChannel);
    const load = startOpenLoad(sandbox.sim.control, changes, a.integrationTeamId, a.desks, OPEN_ANSWER_TIMEOUT_MS);
    // Let the first searches reach the slow app, so B is measured against opens already waiting on it.
    await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, size.searchDelayMs / 2)));
    let contended: RelayRun;
    let opens: OpenLoadResult;
    try {
      contended = await paced(`${runId}c`, size.messagesPerChannel);
    } finally {
      opens = await load.stop();
    }
    return {
      size,
      alone,
      contended,
      p99Ratio: ratio(contended.endToEndMs?.p99, alone.endToEndMs?.p99),
      opens: { ...opens, searchesAnswered: a.proxy.searches() },
    };
  } finally {
    changes.stop();
    await a.close();
  }
}
