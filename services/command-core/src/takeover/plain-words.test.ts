import { Code, ConnectError } from '@connectrpc/connect';
import { AgentError, FieldError, RetryLater } from './errors.js';
import { HELP_TEXT, messages } from './messages.js';
import { plainFailure, SLACK_REFUSALS } from './plain-words.js';
import { undeliveredReason } from './undelivered.js';

/** An API method name (`chat.postMessage`, `files.download`) or a Slack error code (`not_found`, `token_revoked`). */
const INTERNALS = /\b[a-z]+\.[a-z][A-Za-z]+\b|\b[a-z]+_[a-z_]+\b/;

const slackError = (code: string, grpc = Code.InvalidArgument) => new ConnectError(`chat.postMessage: Slack answered ${code}`, grpc, { 'slack-error': code });

/** Every text agents can read, from the one table and from the failures it words. */
function agentTexts(): string[] {
  const fromTable = Object.values(messages).map((entry) => (typeof entry === 'function' ? (entry as (...args: unknown[]) => string)('Phil', 'Acme') : entry));
  const failures = [
    ...Object.keys(SLACK_REFUSALS).map((code) => plainFailure(slackError(code))),
    plainFailure(slackError('some_new_error')),
    plainFailure(slackError('network_error', Code.Unavailable)),
    plainFailure(new ConnectError('conversations.invite: deadline exceeded', Code.DeadlineExceeded)),
    plainFailure(new ConnectError('files.download: Slack answered not_found (url_private answered HTTP 404)', Code.Internal)),
    plainFailure(new Error('pg: connection terminated unexpectedly')),
    plainFailure(new FieldError('customer.team_id', true, 'customer.team_id is required')),
    plainFailure(new RetryLater('the post may have landed', 30_000)),
    undeliveredReason(slackError('network_error', Code.Unavailable), 16 * 60_000),
  ];
  return [...fromTable, HELP_TEXT, ...failures];
}

test('no text an agent reads names an API method or a Slack error code', () => {
  // Emoji (`:double_vertical_bar:`) are what Slack shows as pictures, not codes.
  for (const text of agentTexts()) expect({ text, internals: INTERNALS.exec(text.replace(/:[a-z0-9_+-]+:/g, ''))?.[0] }).toEqual({ text, internals: undefined });
});

test('each failure is one sentence that says what happened and what to do', () => {
  expect(plainFailure(slackError('token_revoked'))).toBe('The bot was removed from that Slack workspace; ask your administrator to reinstall it.');
  expect(plainFailure(slackError('some_new_error'))).toBe('Slack refused that, so nothing was done; try again, and tell your administrator if it keeps happening.');
  expect(plainFailure(new ConnectError('x', Code.Unavailable))).toBe('Slack or Megatron did not answer in time, so nothing was done; try again in a minute.');
  expect(plainFailure(new AgentError('Please specify a user for this command.'))).toBe('Please specify a user for this command.');
  for (const text of Object.values(SLACK_REFUSALS)) expect(text).toMatch(/^[A-Z][^.]*(\.[^.]+)*\.$/);
});
