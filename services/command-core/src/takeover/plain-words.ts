import { Code, ConnectError } from '@connectrpc/connect';
import { AgentError, FieldError, slackErrorOf } from './errors.js';

/**
 * What agents read when Slack refused something, one sentence each: what happened and what to do, never a
 * Slack error code or an API method name (those go to the logs, with the command id). Keyed by Slack's error.
 */
export const SLACK_REFUSALS: Readonly<Record<string, string>> = {
  channel_not_found: 'The customer’s conversation with the bot is gone in Slack; open the engagement again to reach them.',
  is_archived: 'That channel is archived in Slack; open the engagement again to use it.',
  user_not_found: 'That person no longer exists in Slack.',
  users_not_found: 'That person no longer exists in Slack.',
  account_inactive: 'That person’s Slack account is deactivated.',
  user_disabled: 'That person’s Slack account is deactivated.',
  cannot_dm_bot: 'That person cannot receive messages from the bot.',
  not_in_channel: 'Megatron’s bot is not in that channel; invite it, then try again.',
  user_not_in_channel: 'That person is not in the channel; invite them, then try again.',
  token_revoked: 'The bot was removed from that Slack workspace; ask your administrator to reinstall it.',
  invalid_auth: 'The bot was removed from that Slack workspace; ask your administrator to reinstall it.',
  account_revoked: 'The bot was removed from that Slack workspace; ask your administrator to reinstall it.',
  missing_scope: 'The bot lacks a permission for this; ask your administrator to reinstall it with the current manifest.',
  no_permission: 'The bot is not allowed to do this in that workspace; ask your administrator.',
  restricted_action: 'That workspace does not let the bot do this; ask your administrator.',
  msg_too_long: 'The message is too long for Slack (40,000 characters at most); shorten it and send it again.',
  message_not_found: 'That message is gone in Slack already.',
  file_not_found: 'That file is gone in Slack already; share it again.',
  ratelimited: 'Slack asked Megatron to slow down; try again in a minute.',
  name_taken: 'A channel by that name already exists and belongs to someone else; ask your administrator.',
};

const UNAVAILABLE = 'Slack or Megatron did not answer in time, so nothing was done; try again in a minute.';
const UNEXPECTED = 'Something went wrong on our side, so nothing was done; try again, and tell your administrator if it keeps happening.';
const REFUSED = 'Slack refused that, so nothing was done; try again, and tell your administrator if it keeps happening.';

/** One sentence an agent can act on, for any failure. */
export function plainFailure(error: unknown): string {
  if (error instanceof AgentError) return error.agentMessage;
  if (error instanceof FieldError) return 'Something in that request was not understood, so nothing was done.';
  const slackError = slackErrorOf(error);
  if (slackError) return SLACK_REFUSALS[slackError] ?? (error instanceof ConnectError && error.code === Code.Unavailable ? UNAVAILABLE : REFUSED);
  if (error instanceof ConnectError && [Code.Unavailable, Code.DeadlineExceeded, Code.ResourceExhausted, Code.Canceled].includes(error.code)) return UNAVAILABLE;
  return UNEXPECTED;
}
