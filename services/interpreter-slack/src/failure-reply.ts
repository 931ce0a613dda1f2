import type { Logger } from '@megatron/runtime';
import type { SlackReply } from './http/app.js';
import type { RequestOutcome, Route } from './metrics.js';
import { RequestError } from './request-error.js';

const OUTCOME_OF_STATUS: Record<RequestError['status'], RequestOutcome> = {
  400: 'bad_request',
  401: 'unauthorized',
  404: 'bad_request',
  413: 'too_large',
  415: 'unsupported_media_type',
};

/** What Slack hears when a handler threw, whichever receiver (HTTP or Socket Mode) called it. */
export function failureReply(route: Route, error: unknown, logger: Logger): SlackReply {
  if (error instanceof RequestError) {
    logger.warn({ route, status: error.status, reason: error.message }, 'slack request refused');
    return { status: error.status, body: { ok: false, error: error.message }, outcome: OUTCOME_OF_STATUS[error.status] };
  }
  logger.error({ err: error, route }, 'slack request failed');
  return { status: 500, body: { ok: false, error: 'internal error' }, outcome: 'error' };
}
