import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  what?: string;
  /** Stops waiting at once, rejecting with the signal's reason (e.g. the process being waited on died). */
  signal?: AbortSignal;
}

/**
 * Thrown when waitFor gives up. The message is exactly `timed out after Nms waiting for <what>` (tests match on
 * it), so the probe's last error travels in `lastError` rather than as `cause`, which jest compares too.
 */
export class WaitForTimeoutError extends Error {
  constructor(
    message: string,
    readonly lastError: unknown,
  ) {
    super(message);
  }
}

/**
 * Polls `probe` until it returns something other than `undefined` or `false`, and returns that.
 * A probe that throws counts as "not yet".
 */
export async function waitFor<T>(probe: () => Promise<T | undefined | false>, opts: WaitForOptions = {}): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 100, what = 'condition', signal } = opts;
  if (!(timeoutMs > 0) || !(intervalMs > 0)) {
    throw new Error(`waitFor: timeoutMs and intervalMs must be positive (got ${timeoutMs} and ${intervalMs})`);
  }
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    signal?.throwIfAborted();
    try {
      const result = await probe();
      if (result !== undefined && result !== false) return result;
    } catch (error) {
      lastError = error;
    }
    signal?.throwIfAborted();
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new WaitForTimeoutError(`timed out after ${timeoutMs}ms waiting for ${what}`, lastError);
    try {
      await sleep(Math.min(intervalMs, remaining), undefined, signal === undefined ? undefined : { signal });
    } catch {
      signal?.throwIfAborted();
    }
  }
}
