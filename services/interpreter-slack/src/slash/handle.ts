import type { HandlerDeps } from '../handler-deps.js';
import { publishCounted, UNAVAILABLE } from '../handler-deps.js';
import type { SlackHandler } from '../http/app.js';
import { FORM, parseForm, requireMediaType } from '../http/body.js';
import { PublishFailed } from '../publish.js';
import { RequestError } from '../request-error.js';
import { legacyTokenMatches } from '../verify/legacy-token.js';
import { helpText } from './help.js';
import { parseSlashText } from './parse.js';
import { readSlashForm } from './slash-form.js';
import { acknowledgement, slashToCommand } from './to-command.js';

const ephemeral = (text: string) => ({ response_type: 'ephemeral', text });

/**
 * `/megatron <verb> [args]`: parse errors and help are answered at once; a valid verb is stored
 * as a Command first and acknowledged after. Slack shows any non-200 to the agent as a bare
 * failure, so even "NATS is away" is a 200 with words in it.
 */
export function slashCommandHandler(deps: HandlerDeps): SlackHandler {
  return async ({ rawBody, contentType }) => {
    const receivedAtMs = deps.now();
    requireMediaType(contentType, FORM);
    const form = readSlashForm(parseForm(rawBody));
    if (!legacyTokenMatches(deps.verificationToken, form.token)) throw new RequestError(401, 'verification token does not match');
    const parsed = parseSlashText(form.text, form.command);
    if (parsed.kind === 'help') return { status: 200, body: ephemeral(helpText(form.command)), outcome: 'answered' };
    if (parsed.kind === 'refused') return { status: 200, body: ephemeral(parsed.text), outcome: 'refused' };
    try {
      const outcome = await publishCounted(deps, slashToCommand(form, parsed, receivedAtMs));
      return { status: 200, body: ephemeral(acknowledgement(parsed)), outcome };
    } catch (error) {
      if (!(error instanceof PublishFailed)) throw error;
      deps.logger.error({ err: error, triggerId: form.trigger_id }, 'slash command not stored; agent told to retry');
      return { status: 200, body: ephemeral(UNAVAILABLE), outcome: 'unavailable' };
    }
  };
}
