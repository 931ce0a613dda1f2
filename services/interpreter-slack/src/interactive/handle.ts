import type { HandlerDeps } from '../handler-deps.js';
import { publishCounted, UNAVAILABLE } from '../handler-deps.js';
import type { SlackHandler } from '../http/app.js';
import { FORM, parseForm, parseJsonObject, requireMediaType } from '../http/body.js';
import { PublishFailed } from '../publish.js';
import { RequestError } from '../request-error.js';
import { replyEphemeral } from '../response-url.js';
import { legacyTokenMatches } from '../verify/legacy-token.js';
import { readInteraction } from './payload.js';
import { interactionToCommand } from './to-command.js';

export interface InteractiveDeps extends HandlerDeps {
  /** Replies sent after the ack are tracked so shutdown can wait for them. */
  afterAck: (work: Promise<void>) => void;
}

/**
 * Buttons and selects: an empty 200 leaves the clicked message as it is; what the agent needs to
 * hear (a refusal, NATS away) goes through response_url, the only channel Block Kit clicks have.
 */
export function interactiveMessageHandler(deps: InteractiveDeps): SlackHandler {
  return async ({ rawBody, contentType }) => {
    const receivedAtMs = deps.now();
    requireMediaType(contentType, FORM);
    const payloadText = parseForm(rawBody).get('payload');
    if (payloadText === null) throw new RequestError(400, 'interactive body has no payload field');
    const payload = parseJsonObject(payloadText, 'payload');
    const interaction = readInteraction(payload);
    if (!legacyTokenMatches(deps.verificationToken, interaction.token)) throw new RequestError(401, 'verification token does not match');
    const decision = interactionToCommand(interaction, receivedAtMs);
    if (decision.kind === 'refused') {
      deps.logger.info({ type: interaction.type, verb: interaction.action?.verb }, 'interaction refused');
      deps.afterAck(replyEphemeral(interaction.responseUrl, decision.text, deps.logger));
      return { status: 200, outcome: 'refused' };
    }
    try {
      return { status: 200, outcome: await publishCounted(deps, decision.command) };
    } catch (error) {
      if (!(error instanceof PublishFailed)) throw error;
      deps.logger.error({ err: error, triggerId: interaction.triggerId }, 'interaction not stored; agent told to retry');
      deps.afterAck(replyEphemeral(interaction.responseUrl, UNAVAILABLE, deps.logger));
      return { status: 200, outcome: 'unavailable' };
    }
  };
}
