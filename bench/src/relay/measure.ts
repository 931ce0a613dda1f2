import type { SimControl, SimMessage } from '@megatron/slack-sim';
import { watchChannelChanges, type ChannelChanges } from '../channel-changes.js';
import { deliveryFaults, parseMarker, type DeliveryFaults } from '../delivery-check.js';
import { summarize, type Summary } from '../stats.js';
import type { Lane } from './lane.js';
import { tsToMs, type LoadResult } from './load.js';
import { Semaphore } from './semaphore.js';
import type { StageSample } from './stages.js';

export interface RelayMeasurement {
  sent: number;
  delivered: number;
  /** First post → last arrival in a customer's DM. */
  durationMs: number;
  messagesPerSecond: number;
  /** Agent's message stored by Slack → the copy stored in the customer's DM. */
  endToEndMs: Summary | null;
  /** Time the receiving app took to answer Slack's event delivery. */
  ackMs: Summary | null;
  /** Event deliveries Slack had to retry or that were not answered 2xx. */
  failedAcks: number;
  faults: DeliveryFaults;
}

/** The numbers, plus when each sent message first arrived (kept out of the results file). */
export interface RelayObservation {
  measurement: RelayMeasurement;
  samples: StageSample[];
}

interface Arrival {
  seq: number;
  ms: number;
}

function shownText(message: SimMessage): string {
  return [message.text, JSON.stringify(message.blocks ?? []), JSON.stringify(message.attachments ?? [])].join('\n');
}

async function arrivalsOf(control: SimControl, lane: Lane, laneIndex: number, runId: string): Promise<Arrival[]> {
  const arrivals: Arrival[] = [];
  for (const message of await control.messages(lane.dm)) {
    const marker = parseMarker(shownText(message));
    if (marker && marker.runId === runId && marker.channel === laneIndex) arrivals.push({ seq: marker.seq, ms: tsToMs(message.ts) });
  }
  return arrivals;
}

async function readAll(control: SimControl, lanes: readonly Lane[], indexes: number[], runId: string, into: Map<number, Arrival[]>): Promise<void> {
  const semaphore = new Semaphore(16);
  await Promise.all(indexes.map((index) => semaphore.run(async () => into.set(index, await arrivalsOf(control, lanes[index] as Lane, index, runId)))));
}

/** Whether `channel` may hold something not read yet; a yes is used up until its next change. */
function unreadTracker(changes: ChannelChanges): (channel: string) => boolean {
  const readAt = new Map<string, number>();
  return (channel) => {
    const version = changes.version(channel);
    if (!changes.blind() && readAt.get(channel) === version) return false;
    readAt.set(channel, version);
    return true;
  };
}

/**
 * Waits until every lane's DM holds all its messages (or nothing new arrived for `stallMs`), reads them back
 * once more after a pause so late duplicates count, and turns sends, arrivals and Slack's delivery records
 * into the relay's numbers.
 */
export async function measureRelay(options: {
  control: SimControl;
  lanes: readonly Lane[];
  runId: string;
  messagesPerLane: number;
  load: LoadResult;
  appId: string;
  stallMs: number;
}): Promise<RelayObservation> {
  const { control, lanes, runId, messagesPerLane, load } = options;
  const arrivals = new Map<number, Arrival[]>();
  const complete = (index: number) => new Set((arrivals.get(index) ?? []).map((arrival) => arrival.seq)).size >= messagesPerLane;
  let pending = lanes.map((_, index) => index);
  // A DM is read again only once the simulator says it changed: reading every pending DM four times a second
  // took CPU from the relay it measures, most of all while a queue behind a saturated run drains.
  const changes = await watchChannelChanges(control);
  const unread = unreadTracker(changes);
  try {
    let lastProgressMs = Date.now();
    while (pending.length > 0 && Date.now() - lastProgressMs < options.stallMs) {
      const before = [...arrivals.values()].reduce((sum, list) => sum + list.length, 0);
      await readAll(control, lanes, pending.filter((index) => unread((lanes[index] as Lane).dm)), runId, arrivals);
      const after = [...arrivals.values()].reduce((sum, list) => sum + list.length, 0);
      if (after > before) lastProgressMs = Date.now();
      pending = pending.filter((index) => !complete(index));
      if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    changes.stop();
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await readAll(control, lanes, lanes.map((_, index) => index), runId, arrivals);

  const sends = new Map(load.sends.map((send) => [`${send.lane}:${send.seq}`, send]));
  const latencies: number[] = [];
  const samples: StageSample[] = [];
  let lastArrivalMs = load.startedMs;
  let delivered = 0;
  for (const [lane, list] of arrivals) {
    const firstSeen = new Set<number>();
    for (const arrival of list) {
      if (firstSeen.has(arrival.seq)) continue;
      firstSeen.add(arrival.seq);
      delivered += 1;
      lastArrivalMs = Math.max(lastArrivalMs, arrival.ms);
      const send = sends.get(`${lane}:${arrival.seq}`);
      if (send === undefined) continue;
      latencies.push(arrival.ms - send.sentMs);
      samples.push({ eventId: send.eventId, sentMs: send.sentMs, arrivedMs: arrival.ms });
    }
  }
  const faults = deliveryFaults(
    new Map(lanes.map((_, index) => [String(index), messagesPerLane])),
    new Map([...arrivals].map(([lane, list]) => [String(lane), list.map((arrival) => arrival.seq)])),
  );

  const eventIds = new Set(load.sends.map((send) => send.eventId));
  const deliveries = (await control.deliveries({ appId: options.appId, kind: 'event' })).filter((d) => d.eventId !== undefined && eventIds.has(d.eventId));
  const firstAttempts = deliveries.filter((d) => d.retryNum === 0);
  const failedAcks = deliveries.filter((d) => d.retryNum > 0 || d.status < 200 || d.status >= 300).length;
  const durationMs = lastArrivalMs - load.startedMs;
  const measurement: RelayMeasurement = {
    sent: load.sends.length,
    delivered,
    durationMs,
    messagesPerSecond: durationMs > 0 ? delivered / (durationMs / 1000) : 0,
    endToEndMs: latencies.length > 0 ? summarize(latencies) : null,
    ackMs: firstAttempts.length > 0 ? summarize(firstAttempts.map((d) => d.ackMs)) : null,
    failedAcks,
    faults,
  };
  return { measurement, samples };
}
