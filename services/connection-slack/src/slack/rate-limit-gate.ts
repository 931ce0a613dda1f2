/** Past this many keys, expired pauses are swept on the next pause, so channels that went quiet leave no entry. */
const SWEEP_ABOVE = 1_000;

/**
 * Shared pauses after a 429: once Slack says "wait N seconds" for a method (and, for chat.postMessage, a
 * channel), every call for that key waits too instead of hammering Slack with requests it will refuse.
 */
export class RateLimitGate {
  private readonly pausedUntil = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.pausedUntil.size;
  }

  pause(key: string, ms: number): void {
    const now = this.now();
    if (this.pausedUntil.size >= SWEEP_ABOVE) this.sweep(now);
    const until = now + ms;
    if (until > (this.pausedUntil.get(key) ?? 0)) this.pausedUntil.set(key, until);
  }

  /** Milliseconds until calls for `key` may go out again; 0 when they may go now. */
  waitMs(key: string): number {
    const until = this.pausedUntil.get(key);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left > 0) return left;
    this.pausedUntil.delete(key);
    return 0;
  }

  private sweep(now: number): void {
    for (const [key, until] of this.pausedUntil) if (until <= now) this.pausedUntil.delete(key);
  }
}
