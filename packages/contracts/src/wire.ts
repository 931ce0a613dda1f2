/**
 * The wire vocabulary the services share beside the generated messages: metadata and header names,
 * how a customer is named in a button or select value, and limits publisher and consumers must agree on.
 * Hand-written; the generated code lives in ./gen.
 */

/** gRPC/Connect metadata carrying the Slack token a SlackConnectionService call acts with (never a message field). */
export const SLACK_TOKEN_HEADER = 'x-slack-token';
/** The token of the workspace a relayed file comes from. */
export const SLACK_SOURCE_TOKEN_HEADER = 'x-slack-source-token';
/** Error metadata: Slack's own error string (`channel_not_found`), so callers can branch on it. */
export const SLACK_ERROR_HEADER = 'slack-error';
/** Error metadata: seconds to wait after Slack answered 429. */
export const RETRY_AFTER_HEADER = 'retry-after';
/**
 * Error metadata: `unknown` when a write may have reached Slack although the call failed (a timeout
 * or a connection lost after the request was sent). Such a write is never repeated blind.
 */
export const SLACK_OUTCOME_HEADER = 'slack-outcome';
export const OUTCOME_UNKNOWN = 'unknown';

/** NATS headers naming the variant a message carries, for tools that read a stream without decoding it. */
export const COMMAND_KIND_HEADER = 'megatron-command-kind';
export const APP_COMMAND_KIND_HEADER = 'megatron-app-command-kind';

/** Deliveries of one Command before command-core gives up on it and tells the agent. */
export const MAX_COMMAND_DELIVERIES = 20;
/** Ordered partitions of the Command stream; interpreters and command-core must use the same number. */
export const DEFAULT_COMMAND_PARTITIONS = 128;

export interface CustomerRef {
  teamId: string;
  userId: string;
}

const USER_REF = /^([A-Z0-9]+):([A-Z0-9]+)$/;

/** `<team_id>:<user_id>`: how buttons and selects name a customer. */
export function formatCustomerRef(ref: CustomerRef): string {
  return `${ref.teamId}:${ref.userId}`;
}

export function parseCustomerRef(value: string): CustomerRef | undefined {
  const match = USER_REF.exec(value);
  return match?.[1] && match[2] ? { teamId: match[1], userId: match[2] } : undefined;
}

/** The verbs an agent runs on a customer, typed, clicked or picked from a select. */
export const CUSTOMER_VERBS = ['open', 'close', 'pause', 'unpause', 'claim', 'clear-context', 'do'] as const;
export type CustomerVerb = (typeof CUSTOMER_VERBS)[number];

export function isCustomerVerb(word: string): word is CustomerVerb {
  return (CUSTOMER_VERBS as readonly string[]).includes(word);
}

export interface VerbChoice extends CustomerRef {
  verb: CustomerVerb;
  /** What the bot should do, for `do`. */
  text: string;
}

/** A disambiguation option's value: `<verb>|<team_id>:<user_id>`, and for do `|<text>` after that. */
export function formatVerbChoice(choice: VerbChoice): string {
  const base = `${choice.verb}|${formatCustomerRef(choice)}`;
  return choice.verb === 'do' ? `${base}|${choice.text}` : base;
}

export function parseVerbChoice(value: string): VerbChoice | undefined {
  const [verb = '', ref = '', ...text] = value.split('|');
  const customer = parseCustomerRef(ref);
  if (!isCustomerVerb(verb) || !customer) return undefined;
  return { verb, ...customer, text: text.join('|') };
}

/**
 * The 👍/👎 buttons under a broadcast sit in one actions block, and Block Kit refuses two action ids alike in
 * one block (`invalid_blocks`), so each vote has its own. `feedback` is the id both buttons had while each sat
 * in its own block: messages customers already hold still carry it.
 */
/** action_id of the Retry button under an agent's message that did not reach the customer; its value is the record's UUID. */
export const RETRY_DELIVERY_ACTION = 'retry_delivery';

/**
 * action_ids of the three answers to "The bot is still answering…" (a message held because the bot was not
 * paused); each button's value is the held message's Command id.
 */
export const HELD_MESSAGE_ACTIONS = { pauseAndSend: 'held_pause_send', sendAnyway: 'held_send_anyway', discard: 'held_discard' } as const;

export const FEEDBACK_ACTION_IDS = { up: 'feedback_up', down: 'feedback_down' } as const;
const LEGACY_FEEDBACK_ACTION_ID = 'feedback';

export type FeedbackVote = keyof typeof FEEDBACK_ACTION_IDS;

export function isFeedbackAction(actionId: string): boolean {
  return actionId === LEGACY_FEEDBACK_ACTION_ID || actionId === FEEDBACK_ACTION_IDS.up || actionId === FEEDBACK_ACTION_IDS.down;
}

export interface FeedbackChoice {
  broadcastId: string;
  positive: boolean;
}

/** A feedback button's value: `<broadcast_id>|up` or `<broadcast_id>|down`. */
export function formatFeedbackValue(broadcastId: string, vote: FeedbackVote): string {
  return `${broadcastId}|${vote}`;
}

export function parseFeedbackValue(value: string): FeedbackChoice | undefined {
  const match = /^(.+)\|(up|down)$/.exec(value);
  return match?.[1] ? { broadcastId: match[1], positive: match[2] === 'up' } : undefined;
}
