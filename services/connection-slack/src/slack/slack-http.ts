import { RETRY_AFTER_HEADER } from '@megatron/contracts';
import type { CallDeadline } from '../rpc/call-deadline.js';
import { SlackHttpError } from './errors.js';

/**
 * One request to a Slack URL outside the Web API. Redirects are not followed: Slack redirects a request it
 * will not serve to a sign-in page, and following it would hand back HTML as if it were the answer.
 */
export async function fetchSlackUrl(url: string, init: RequestInit, deadline: CallDeadline, what: string): Promise<Response> {
  const response = await fetch(url, { ...init, redirect: 'manual', signal: deadline.signal });
  if (response.status >= 200 && response.status < 300) return response;
  const body = await response.text().catch(() => '');
  const retryAfter = Number.parseInt(response.headers.get(RETRY_AFTER_HEADER) ?? '', 10);
  throw new SlackHttpError(response.status, body, Number.isFinite(retryAfter) ? retryAfter : undefined, what);
}
