import type { SimControl } from '@megatron/slack-sim';
import { markerText } from '../delivery-check.js';
import type { Lane } from './lane.js';
import { Semaphore } from './semaphore.js';

export interface LoadOptions {
  control: SimControl;
  lanes: readonly Lane[];
  messagesPerLane: number;
  runId: string;
  /** Posts in flight at once across all lanes (each lane still writes one message after the other). */
  concurrency: number;
  /** Offered load in messages/s; without it every lane writes as fast as its acks come back. */
  ratePerSecond?: number;
}

export interface Send {
  lane: number;
  seq: number;
  /** When the simulator stored the agent's message (its ts), in ms since the epoch. */
  sentMs: number;
  eventId: string;
}

export interface LoadResult {
  sends: Send[];
  startedMs: number;
  endedMs: number;
}

export function tsToMs(ts: string): number {
  return Number(ts) * 1000;
}

/**
 * Agents write `messagesPerLane` numbered messages into every lane through the simulator, which signs each
 * as a Slack event and delivers it; a post resolves once the receiving app acknowledged it.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { control, lanes, messagesPerLane, runId } = options;
  const semaphore = new Semaphore(options.concurrency);
  const sends: Send[] = [];
  const startedMs = Date.now();
  const intervalMs = options.ratePerSecond ? 1000 / options.ratePerSecond : 0;
  const laneWork = async (laneIndex: number) => {
    const lane = lanes[laneIndex] as Lane;
    for (let seq = 0; seq < messagesPerLane; seq += 1) {
      if (intervalMs > 0) {
        // Paced: message k of the whole run is due at k × interval, lanes taking turns.
        const dueMs = startedMs + (seq * lanes.length + laneIndex) * intervalMs;
        const waitMs = dueMs - Date.now();
        if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
      const posted = await semaphore.run(() =>
        control.postAsUser({ teamId: lane.teamId, userId: lane.agentId, channel: lane.channel, text: markerText(runId, laneIndex, seq) }),
      );
      sends.push({ lane: laneIndex, seq, sentMs: tsToMs(posted.ts), eventId: posted.eventId });
    }
  };
  await Promise.all(lanes.map((_, index) => laneWork(index)));
  return { sends, startedMs, endedMs: Date.now() };
}
