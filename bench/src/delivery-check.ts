export interface DeliveryFaults {
  /** Messages that arrived after one with a higher sequence number in the same channel. */
  orderViolations: number;
  /** Extra copies of a message already delivered to that channel. */
  duplicates: number;
  /** Sent messages that never arrived. */
  missing: number;
}

/**
 * Compares what each channel was sent (sequence numbers 0..sent-1) with what arrived, in arrival order.
 * A duplicate is not also counted as an order violation, so each fault is counted once.
 */
export function deliveryFaults(sentPerChannel: ReadonlyMap<string, number>, arrived: ReadonlyMap<string, readonly number[]>): DeliveryFaults {
  const faults: DeliveryFaults = { orderViolations: 0, duplicates: 0, missing: 0 };
  for (const channel of arrived.keys()) {
    if (!sentPerChannel.has(channel)) throw new Error(`arrivals for channel ${channel}, which was sent nothing`);
  }
  for (const [channel, sent] of sentPerChannel) {
    if (!Number.isInteger(sent) || sent < 0) throw new Error(`sent count for ${channel} must be a whole number ≥ 0, got ${sent}`);
    const seen = new Set<number>();
    let highest = -1;
    for (const seq of arrived.get(channel) ?? []) {
      if (!Number.isInteger(seq) || seq < 0 || seq >= sent) throw new Error(`channel ${channel} received sequence ${seq}, which was never sent`);
      if (seen.has(seq)) {
        faults.duplicates += 1;
        continue;
      }
      seen.add(seq);
      if (seq < highest) faults.orderViolations += 1;
      highest = Math.max(highest, seq);
    }
    faults.missing += sent - seen.size;
  }
  return faults;
}

const MARKER = /\bbench-(\w+)-c(\d+)-m(\d+)\b/;

/** The text a load message carries, so its run, channel and sequence can be read back from Slack. */
export function markerText(runId: string, channel: number, seq: number): string {
  return `bench-${runId}-c${channel}-m${seq} relayed by the benchmark`;
}

export function parseMarker(text: string): { runId: string; channel: number; seq: number } | undefined {
  const match = MARKER.exec(text);
  if (!match) return undefined;
  return { runId: match[1] as string, channel: Number(match[2]), seq: Number(match[3]) };
}
