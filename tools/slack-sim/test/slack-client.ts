import { LogLevel, WebClient } from '@slack/web-api';
import type { SlackSim } from '../src/index.js';

/** The real WebClient pointed at the simulator, failing at once instead of retrying. */
export function slackClient(sim: SlackSim, token?: string): WebClient {
  return new WebClient(token, { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR });
}

interface SlackErrorShape { data?: { error?: string } }

/** The Slack error code a call fails with; throws when it succeeds. */
export async function slackError(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
  } catch (error) {
    return (error as SlackErrorShape).data?.error;
  }
  throw new Error('expected the call to fail');
}

/** A raw form POST, to see HTTP status and headers the WebClient hides. */
export async function rawCall(sim: SlackSim, method: string, token: string, params: Record<string, string>):
Promise<{ status: number; retryAfter: string | null; body: Record<string, unknown> }> {
  const res = await fetch(`${sim.apiUrl}${method}`, { method: 'POST', headers: { authorization: `Bearer ${token}`,
    'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
  return { status: res.status, retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as Record<string, unknown> };
}
