import { SLACK_RETRY_SCHEDULE_MS } from './delivery.js';

/**
 * `SLACK_SIM_RETRY_DELAYS_MS`: comma-separated milliseconds before retry 1, 2 and 3 (`0,60000,300000`), or `slack`
 * for Slack's own schedule. Undefined when unset; throws naming the variable when malformed.
 */
export function parseRetryDelays(raw: string | undefined): number[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  if (raw.trim() === 'slack') return [...SLACK_RETRY_SCHEDULE_MS];
  const delays = raw.split(',').map((part) => Number(part.trim()));
  if (delays.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`SLACK_SIM_RETRY_DELAYS_MS must be "slack" or comma-separated milliseconds such as 0,60000,300000, got ${raw}`);
  }
  return delays;
}
