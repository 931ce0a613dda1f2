/**
 * Shared pauses after a 429: once Slack says "wait N seconds" for a method (and, for chat.postMessage, a
 * channel), every call for that key waits too instead of hammering Slack with requests it will refuse.
 */
export class RateLimitGate {
  private readonly pausedUntil = new Map<string, number>();

  pause(key: string, ms: number): void {
    const until = Date.now() + ms;
    if (until > (this.pausedUntil.get(key) ?? 0)) this.pausedUntil.set(key, until);
  }

  /** Milliseconds until calls for `key` may go out again; 0 when they may go now. */
  waitMs(key: string): number {
    const until = this.pausedUntil.get(key);
    if (until === undefined) return 0;
    const left = until - Date.now();
    if (left > 0) return left;
    this.pausedUntil.delete(key);
    return 0;
  }
}
