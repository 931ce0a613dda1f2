import type { HandlerDeps } from '../handler-deps.js';
import { publishCounted } from '../handler-deps.js';
import type { SlackHandler } from '../http/app.js';
import { JSON_TYPE, parseJsonBody, requireMediaType } from '../http/body.js';
import { stringAt } from '@megatron/runtime';
import { PublishFailed } from '../publish.js';
import { RequestError } from '../request-error.js';
import { legacyTokenMatches } from '../verify/legacy-token.js';
import type { EventDeduplicator } from './dedup.js';
import { eventToDecision } from './to-command.js';

export interface EventDeps extends HandlerDeps {
  dedup: EventDeduplicator;
  /** From the in-memory engagement directory: undefined while it is not loaded yet. */
  isEngagementChannel: (channelId: string) => boolean | undefined;
}

/** Not ready to tell engagement channels from others: dropping would lose agents' messages, so Slack retries. */
class DirectoryNotLoaded extends Error {}

/**
 * Events API: every event_id acts once. A duplicate is answered 200 so Slack stops; a failed publish is answered
 * 503 so Slack retries. Slack marks its retries (X-Slack-Retry-Num), and only those are looked up in Redis, which
 * remembers events for longer than JetStream's two-minute Nats-Msg-Id window: a first delivery costs no Redis read,
 * and an unmarked repeat (which Slack sends only within seconds, if ever) is still caught by that window.
 */
export function eventHandler(deps: EventDeps): SlackHandler {
  return async ({ rawBody, contentType, retryNum }) => {
    const receivedAtMs = deps.now();
    requireMediaType(contentType, JSON_TYPE);
    const body = parseJsonBody(rawBody);
    if (!legacyTokenMatches(deps.verificationToken, stringAt(body, 'token'))) throw new RequestError(401, 'verification token does not match');
    let decision;
    try {
      decision = eventToDecision(body, receivedAtMs, (channelId) => {
        const known = deps.isEngagementChannel(channelId);
        if (known === undefined) throw new DirectoryNotLoaded();
        return known;
      });
    } catch (error) {
      if (!(error instanceof DirectoryNotLoaded)) throw error;
      deps.logger.warn('engagement directory not loaded yet; asking Slack to retry');
      return { status: 503, body: { ok: false, error: 'not ready' }, outcome: 'unavailable' };
    }
    if (decision.kind === 'challenge') return { status: 200, body: { challenge: decision.challenge }, outcome: 'answered' };
    if (decision.kind === 'ignored') {
      deps.logger.debug({ reason: decision.reason, eventId: stringAt(body, 'event_id') }, 'event ignored');
      return { status: 200, outcome: 'ignored' };
    }
    if (retryNum > 0 && (await deps.dedup.seen(decision.eventId))) return { status: 200, outcome: 'duplicate' };
    try {
      const outcome = await publishCounted(deps, decision.command);
      // Not awaited: Slack has its answer sooner, and a retry close enough to race the mark is JetStream's duplicate.
      void deps.dedup.remember(decision.eventId);
      return { status: 200, outcome };
    } catch (error) {
      if (!(error instanceof PublishFailed)) throw error;
      deps.logger.error({ err: error, eventId: decision.eventId }, 'event not stored; Slack will retry');
      return { status: 503, body: { ok: false, error: 'unavailable' }, outcome: 'unavailable' };
    }
  };
}
