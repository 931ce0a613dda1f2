/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export interface RetryPlan {
  /** Delay before each retry; its length is the number of retries. */
  scheduleMs: number[];
  maxRetryAfterMs: number;
}

/**
 * The delay before the retry that follows `attempt` (1-based), or undefined when that was the last
 * try. A Retry-After only ever lengthens the wait: the schedule protects the app even when it asks
 * for an earlier retry.
 */
export function nextDelay(plan: RetryPlan, attempt: number, retryAfterMs: number | undefined): number | undefined {
  const scheduled = plan.scheduleMs[attempt - 1];
  if (scheduled === undefined) return undefined;
  if (retryAfterMs === undefined) return scheduled;
  return Math.max(scheduled, Math.min(retryAfterMs, plan.maxRetryAfterMs));
}
