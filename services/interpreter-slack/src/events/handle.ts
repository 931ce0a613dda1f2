import type { HandlerDeps } from '../handler-deps.js';
import { publishCounted } from '../handler-deps.js';
import type { SlackHandler } from '../http/app.js';
import { JSON_TYPE, parseJsonBody, requireMediaType } from '../http/body.js';
import { stringAt } from '@megatron/runtime';
import { PublishFailed } from '../publish.js';
import { RequestError } from '../request-error.js';
import { legacyTokenMatches } from '../verify/legacy-token.js';
import { eventToDecision } from './to-command.js';

export interface EventDeps extends HandlerDeps {
  /** From the in-memory engagement directory: undefined while it is not loaded yet. */
  isEngagementChannel: (channelId: string) => boolean | undefined;
}

/** Not ready to tell engagement channels from others: dropping would lose agents' messages, so Slack retries. */
class DirectoryNotLoaded extends Error {}

/**
 * Events API: every event_id acts once. Its Command id `event:<event_id>` is the Nats-Msg-Id, and the command
 * stream remembers ids for longer than Slack keeps retrying (COMMAND_DUPLICATE_WINDOW_MS), so a retry of a stored
 * event is answered 200 as a duplicate and Slack stops; a failed publish is answered 503 so Slack retries.
 */
export function eventHandler(deps: EventDeps): SlackHandler {
  return async ({ rawBody, contentType }) => {
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
    try {
      return { status: 200, outcome: await publishCounted(deps, decision.command) };
    } catch (error) {
      if (!(error instanceof PublishFailed)) throw error;
      deps.logger.error({ err: error, eventId: decision.eventId }, 'event not stored; Slack will retry');
      return { status: 503, body: { ok: false, error: 'unavailable' }, outcome: 'unavailable' };
    }
  };
}
