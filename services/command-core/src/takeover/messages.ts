import { create } from '@bufbuild/protobuf';
import { formatCustomerRef, formatVerbChoice, HELD_MESSAGE_ACTIONS, MessageContentSchema, RETRY_DELIVERY_ACTION, type CustomerRef, type CustomerVerb, type MessageContent } from '@megatron/contracts';
import { maskText } from './masking.js';

export type ButtonVerb = 'open' | 'pause' | 'unpause' | 'close' | 'claim';
export type CustomerKey = CustomerRef;

export interface Candidate extends CustomerKey {
  username: string;
  /** What the agent reads in the list: `Sam Lee — Globex`. */
  label: string;
}

export const messages = {
  unknownUser: "I really don't know who that is. Try again?",
  specifyUser: 'Please specify a user for this command.',
  channelClosed: 'Got it! The channel was closed.',
  pausedNotice: "I've been paused so a support agent can talk with you",
  unpausedNotice: "I'm back online",
  notAnEngagement: 'This channel is not an engagement channel, so there is nobody to forward your message to.',
  unknownWorkspace: 'This Slack workspace is not connected to a Megatron organization. Ask your administrator to set up the integration.',
  paused: (name: string) => `Bot *paused* for user: ${name}`,
  unpaused: (name: string) => `Bot *unpaused* for user: ${name}`,
  contextCleared: (name: string) => `Context cleared for *${name}*.`,
  executedBy: (agent: string, org: string) => `executed by ${agent} from ${org}`,
  sentBy: (agent: string, org: string) => `sent by ${agent} from ${org}`,
  helpRequest: (name: string) => `🆘 *${name}* requested some help!`,
  doSent: (name: string) => `Sent to the bot for *${name}*.`,
  historyUnavailable: '_Earlier messages of this conversation could not be read from Slack right now; new ones will appear here._',
  notesLine: ':memo: Replies in threads stay here as internal notes; only top-level messages reach the customer.',
  alreadyPaused: (name: string) => `The bot is already paused for *${name}*.`,
  notPaused: (name: string) => `The bot is not paused for *${name}*; nothing to do.`,
  alreadyClosed: (name: string) => `*${name}*'s channel is already closed.`,
  heldGone: 'That message was already sent or discarded.',
  heldPausedAndSent: (name: string) => `:double_vertical_bar: Bot paused for *${name}*; your message is on its way.`,
  heldSent: (name: string) => `:outbox_tray: Sent to *${name}* with the bot still answering.`,
  heldDiscarded: (name: string) => `:wastebasket: Discarded: *${name}* will not get that message.`,
  claimed: (name: string) => `:raising_hand: You are handling *${name}*.`,
  alreadyClaimed: (name: string) => `You are already handling *${name}*.`,
  nothingToClaim: (name: string) => `*${name}* has no open engagement channel to claim.`,
  secondAgent: (handler: string) => `:wave: ${handler} is handling this conversation. Your message was sent too; click *Claim* on the card to take it over.`,
  editNotDelivered: (reason: string) => `:warning: Your edit did not reach the customer, whose copy still shows the message as it was. ${reason}`,
  deleteNotDelivered: (reason: string) => `:warning: Your deleted message is still in the customer's conversation. ${reason}`,
  notCarriedOut: (minutes: number) => `:warning: Your command was not carried out: Slack kept failing for ${plural(minutes, 'minute')}, so Megatron stopped trying. Please try again.`,
} as const;

/** Asked of an agent who wrote while the bot still answers; the buttons carry the held message's Command id. */
export function heldPrompt(name: string, heldCommandId: string): MessageContent {
  const line = `:raised_hand: The bot is still answering *${name}*, so your message is held. Later messages wait behind it.`;
  const choice = (actionId: string, label: string, style?: 'primary' | 'danger') => ({
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: label },
    value: heldCommandId,
    ...(style ? { style } : {}),
  });
  return withBlocks(line, [
    section(line),
    {
      type: 'actions',
      elements: [
        choice(HELD_MESSAGE_ACTIONS.pauseAndSend, 'Pause bot and send', 'primary'),
        choice(HELD_MESSAGE_ACTIONS.sendAnyway, 'Send anyway'),
        choice(HELD_MESSAGE_ACTIONS.discard, 'Discard', 'danger'),
      ],
    },
  ]);
}

/** The threaded notice under an agent's message that did not reach the customer, with Retry. */
export function undeliveredNotice(reason: string, undeliveredId: string): MessageContent {
  const words = `:warning: This message did not reach the customer. ${reason} Retry sends it once; your later messages were not held back.`;
  return withBlocks(words, [
    section(words),
    { type: 'actions', elements: [{ type: 'button', action_id: RETRY_DELIVERY_ACTION, text: { type: 'plain_text', text: 'Retry' }, value: undeliveredId }] },
  ]);
}

/** The notice once Retry got the message through. */
export function retriedNotice(agent: string): MessageContent {
  const words = `:white_check_mark: Sent to the customer on retry by ${agent}.`;
  return withBlocks(words, [section(words)]);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export const HELP_TEXT = [
  '*Megatron commands*',
  '`/megatron open <name>`: open (or reopen) the engagement channel for a customer',
  '`/megatron close [name]`: unpause the bot if needed and archive the channel',
  '`/megatron pause [name]` / `/megatron unpause [name]`: stop or restart the bot for a customer',
  '`/megatron clear-context [name]`: make the bot forget its conversation with a customer',
  '`/megatron do <text>`: have the bot say or do <text> for this channel\'s customer',
  '`/megatron help`: this list',
  'Inside an engagement channel, [name] defaults to its customer.',
].join('\n');

export function text(value: string): MessageContent {
  return create(MessageContentSchema, { text: value });
}

function withBlocks(fallback: string, blocks: unknown[]): MessageContent {
  return create(MessageContentSchema, { text: fallback, blocksJson: JSON.stringify(blocks) });
}

const section = (mrkdwn: string) => ({ type: 'section', text: { type: 'mrkdwn', text: mrkdwn } });
const context = (mrkdwn: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwn }] });

function button(verb: ButtonVerb, label: string, key: CustomerKey, style?: 'primary' | 'danger') {
  return {
    type: 'button',
    action_id: verb,
    text: { type: 'plain_text', text: label },
    value: formatCustomerRef(key),
    ...(style ? { style } : {}),
  };
}

/** The customer's notice after pause/unpause, with who did it. */
export function customerNotice(paused: boolean, agent: string, org: string): MessageContent {
  const notice = paused ? messages.pausedNotice : messages.unpausedNotice;
  return withBlocks(notice, [section(notice), context(messages.executedBy(agent, org))]);
}

export interface CardView {
  name: string;
  /** The customer's full name in their workspace, shown first when they have one. */
  realName: string;
  workspace: string;
  key: CustomerKey;
  paused: boolean;
  /** The customer's avatar, shown beside the name. */
  imageUrl: string;
  /** The customer's Slack time zone (`Europe/Paris`) and its offset in seconds; empty when unknown. */
  tz: string;
  tzOffset: number;
  /** The agent handling it (Claim), or empty. */
  handler: string;
  /** Set once the channel is closed: who or what closed it, shown instead of the buttons. */
  closedBy?: string;
}

/** `Europe/Paris (UTC+01:00)`. */
export function timeZoneLabel(tz: string, offsetSeconds: number): string {
  const sign = offsetSeconds < 0 ? '-' : '+';
  const minutes = Math.abs(Math.round(offsetSeconds / 60));
  return `${tz} (UTC${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')})`;
}

/**
 * The card at the top of an engagement channel (pinned), kept up to date in place: who the customer is,
 * whether the bot still answers, and the buttons that change it. A closed channel's card keeps no button.
 */
export function engagementCard(view: CardView): MessageContent {
  const person = view.realName && view.realName !== view.name ? `*${view.realName}* (${view.name})` : `*${view.name}*`;
  const who = `${person} · ${view.workspace}`;
  const avatar = view.imageUrl ? { accessory: { type: 'image', image_url: view.imageUrl, alt_text: view.realName || view.name } } : {};
  const handled = view.handler ? `:raising_hand: ${view.handler} is handling this.` : ':raising_hand: Nobody has claimed this yet.';
  if (view.closedBy !== undefined) {
    const line = `${who}\n:lock: Closed by ${view.closedBy}. The bot answers ${view.name} again.${view.handler ? `\nHandled by ${view.handler}.` : ''}`;
    return withBlocks(`${view.name}: closed`, [{ ...section(line), ...avatar }]);
  }
  const state = view.paused
    ? ':double_vertical_bar: Bot *paused*: only agents answer.'
    : ':robot_face: Bot *answering*: your messages are held until you pause it (or choose to send).';
  const local = view.tz ? `\n:clock3: Local time zone: ${timeZoneLabel(view.tz, view.tzOffset)}` : '';
  const toggle = view.paused ? button('unpause', 'Unpause bot', view.key, 'primary') : button('pause', 'Pause bot', view.key, 'danger');
  return withBlocks(`${view.name}: bot ${view.paused ? 'paused' : 'answering'}${view.handler ? `, handled by ${view.handler}` : ''}`, [
    { ...section(`${who}${local}\n${state}\n${handled}`), ...avatar },
    { type: 'actions', elements: [toggle, button('claim', 'Claim', view.key), button('close', 'Close channel', view.key)] },
    context(messages.notesLine),
  ]);
}

/** What a message offering an action says once the action happened: the outcome, no button. */
export function settledMessage(line: string): MessageContent {
  return withBlocks(line, [section(line)]);
}

export function notPausedWarning(name: string, key: CustomerKey): MessageContent {
  const line = `:warning: Bot is not paused: *${name}* may get answers from the bot as well as from you.`;
  return withBlocks(line, [section(line), { type: 'actions', elements: [button('pause', 'Pause', key, 'danger')] }]);
}

export function unpauseReminder(name: string, key: CustomerKey): MessageContent {
  const line = `:double_vertical_bar: Paused: the bot is still paused for *${name}*. Unpause it when you are done.`;
  return withBlocks(line, [section(line), { type: 'actions', elements: [button('unpause', 'Unpause', key, 'primary')] }]);
}

export function helpRequest(name: string, teamDomain: string, key: CustomerKey): MessageContent {
  const line = messages.helpRequest(name);
  const where = teamDomain ? `${line}\nWorkspace: ${teamDomain}` : line;
  return withBlocks(line, [section(where), { type: 'actions', elements: [button('open', 'Open engagement channel', key, 'primary')] }]);
}

export function disambiguation(verb: CustomerVerb, name: string, candidates: Candidate[], doText?: string): MessageContent {
  const line = `Several customers match *${name}*. Which one did you mean?`;
  const options = candidates.slice(0, 100).map((candidate) => ({
    text: { type: 'plain_text', text: candidate.label.slice(0, 75) },
    value: formatVerbChoice({ verb, ...candidate, text: doText ?? '' }),
  }));
  return withBlocks(line, [
    {
      ...section(line),
      accessory: { type: 'static_select', action_id: 'user_select', placeholder: { type: 'plain_text', text: 'Pick a customer' }, options },
    },
  ]);
}

export function channelLink(name: string, channelName: string, url: string): MessageContent {
  return text(`Engagement channel for *${name}*: <${url}|#${channelName}>`);
}

export function channelUrl(domain: string, channelId: string): string {
  return domain ? `https://${domain}.slack.com/archives/${channelId}` : `https://slack.com/app_redirect?channel=${channelId}`;
}

/**
 * An agent's message as the customer sees it: the text, then a footer naming the agent. The
 * footer is a legacy attachment because its `callback_id` carries the idempotency key, which
 * conversations.history returns, so a redelivered forward can find the copy it already posted.
 */
export function forwarded(forward: ForwardView): MessageContent {
  const { agent, org, avatarUrl } = forward;
  const footer = {
    callback_id: forward.idempotencyKey,
    fallback: messages.sentBy(agent, org),
    footer: messages.sentBy(agent, org),
    ...(avatarUrl ? { footer_icon: avatarUrl } : {}),
  };
  // Masked here, the one builder for forwards and their edits: an agent quoting a card number
  // must not send it back in clear (only its last four).
  const body = maskText(forward.body);
  const text = forward.writtenAt ? `${body}\n${writtenAtLine(forward.writtenAt)}` : body;
  return create(MessageContentSchema, { text, attachmentsJson: JSON.stringify([...(forward.attachments ?? []), footer]) });
}

export interface ForwardView {
  body: string;
  agent: string;
  org: string;
  avatarUrl: string;
  idempotencyKey: string;
  /** Files relayed as attachments, before the footer. */
  attachments?: unknown[];
  /** Set when the message reaches the customer late: when the agent wrote it. */
  writtenAt?: Date;
}

/** `_written at 10:02_` in the reader's own time zone (Slack's date token), UTC in the fallback. */
function writtenAtLine(at: Date): string {
  const seconds = Math.floor(at.getTime() / 1000);
  const fallback = `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')} UTC`;
  return `_written at <!date^${seconds}^{time}|${fallback}>_`;
}
