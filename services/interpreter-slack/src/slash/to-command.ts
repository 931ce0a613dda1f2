import { CommandOrigin, type Command } from '@megatron/contracts';
import { newCommand, targetByName, verbKind, type CommandKind } from '../command.js';
import type { TargetVerb } from './parse.js';
import type { SlashForm } from './slash-form.js';

export type ActionableSlash = { kind: 'verb'; verb: TargetVerb; name: string | undefined } | { kind: 'do'; text: string } | { kind: 'stats' };

function kindOf(parsed: ActionableSlash): CommandKind {
  if (parsed.kind === 'do') return verbKind('do', targetByName(undefined), parsed.text);
  if (parsed.kind === 'stats') return { case: 'stats', value: {} };
  return verbKind(parsed.verb, targetByName(parsed.name));
}

export function slashToCommand(form: SlashForm, parsed: ActionableSlash, receivedAtMs: number): Command {
  return newCommand({
    id: `slash:${form.trigger_id}`,
    receivedAtMs,
    origin: CommandOrigin.SLASH_COMMAND,
    context: {
      teamId: form.team_id,
      teamDomain: form.team_domain,
      enterpriseId: form.enterprise_id,
      apiAppId: form.api_app_id,
      channelId: form.channel_id,
      channelName: form.channel_name,
      userId: form.user_id,
      userName: form.user_name,
      responseUrl: form.response_url,
      triggerId: form.trigger_id,
    },
    kind: kindOf(parsed),
  });
}

const GERUND: Record<TargetVerb, string> = {
  open: 'opening a channel for',
  close: 'closing the channel of',
  pause: 'pausing the bot for',
  unpause: 'unpausing the bot for',
  claim: 'marking you as the handler of',
  'clear-context': 'clearing the context of',
};

/** The ephemeral answer once the Command is safely stored; the outcome follows through response_url. */
export function acknowledgement(parsed: ActionableSlash): string {
  if (parsed.kind === 'do') return "On it: passing that to this channel's customer's bot…";
  if (parsed.kind === 'stats') return 'On it: counting the last 7 days…';
  const whom = parsed.name === undefined ? "this channel's customer" : `*${parsed.name}*`;
  return `On it: ${GERUND[parsed.verb]} ${whom}…`;
}
