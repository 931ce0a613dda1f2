import type { SimContext } from './context.js';
import { broadcastToChannelApps, messageChangedEvent, messageDeletedEvent, messageEvent } from './events.js';
import type { AppRecord, ConversationRecord } from './state.js';
import { isReply, refreshThreadSummary, repliesOf, tombstoneOf } from './threads.js';
import type { SimMessage } from './types.js';

function published(ctx: SimContext, conv: ConversationRecord): void {
  ctx.state.feed.publish('message', { channel: conv.id, teamId: conv.team });
}

/** Appends a message (a thread reply updates its parent's summary) and tells the apps in the conversation. */
export async function appendMessage(ctx: SimContext, conv: ConversationRecord, message: SimMessage): Promise<string> {
  conv.messages.push(message);
  if (isReply(message) && message.thread_ts) refreshThreadSummary(conv, message.thread_ts);
  published(ctx, conv);
  return broadcastToChannelApps(ctx, conv, messageEvent(conv, message));
}

export type MessageChange = Pick<SimMessage, 'text'> & Partial<Pick<SimMessage, 'blocks' | 'attachments' | 'metadata'>>;

export async function changeMessage(ctx: SimContext, conv: ConversationRecord, ts: string, editor: string,
  change: MessageChange): Promise<{ message: SimMessage; eventId: string }> {
  const index = conv.messages.findIndex((m) => m.ts === ts);
  const previous = conv.messages[index];
  if (!previous) throw new Error(`no message ${ts} in ${conv.id}`);
  const message: SimMessage = { ...previous, ...change, edited: { user: editor, ts: ctx.state.looseTs() } };
  conv.messages[index] = message;
  published(ctx, conv);
  const eventId = await broadcastToChannelApps(ctx, conv, messageChangedEvent(ctx, conv, message, previous));
  return { message, eventId };
}

/** Replaces a message in place without an event: reactions and pins are not edits. */
export function touchMessage(ctx: SimContext, conv: ConversationRecord, ts: string,
  update: (message: SimMessage) => SimMessage): SimMessage | undefined {
  const index = conv.messages.findIndex((m) => m.ts === ts);
  const current = conv.messages[index];
  if (!current) return undefined;
  const next = update(current);
  conv.messages[index] = next;
  return next;
}

/**
 * Deletes a message. A parent that still has replies stays behind as a tombstone so its thread can be read,
 * as on Slack; a deleted reply updates its parent's summary.
 */
export async function removeMessage(ctx: SimContext, conv: ConversationRecord, ts: string): Promise<string> {
  const index = conv.messages.findIndex((m) => m.ts === ts);
  const previous = conv.messages[index];
  if (!previous) throw new Error(`no message ${ts} in ${conv.id}`);
  if (!isReply(previous) && repliesOf(conv, previous.ts).length > 0) {
    conv.messages[index] = tombstoneOf(previous);
    refreshThreadSummary(conv, previous.ts);
  } else {
    conv.messages.splice(index, 1);
    if (isReply(previous) && previous.thread_ts) refreshThreadSummary(conv, previous.thread_ts);
  }
  conv.pins.delete(previous.ts);
  published(ctx, conv);
  return broadcastToChannelApps(ctx, conv, messageDeletedEvent(ctx, conv, previous));
}

/** The fields Slack puts on a bot's message; overriding name or icon makes it a `bot_message`. */
export function botMessageFields(ctx: SimContext, app: AppRecord, override: { username?: string; iconUrl?: string;
  iconEmoji?: string }): Partial<SimMessage> {
  const botUser = ctx.state.user(app.teamId, app.botUserId);
  const avatar = botUser?.image72 ?? '';
  const botProfile = { id: app.botId, app_id: app.appId, name: app.name, deleted: false, team_id: app.teamId,
    updated: botUser?.created ?? 0, icons: { image_36: avatar.replace('_72', '_36'), image_48: avatar.replace('_72', '_48'),
      image_72: avatar } };
  if (override.username || override.iconUrl || override.iconEmoji) {
    return {
      subtype: 'bot_message', bot_id: app.botId, app_id: app.appId, username: override.username ?? app.name,
      ...(override.iconUrl ? { icons: { image_64: override.iconUrl } } : {}),
      ...(override.iconEmoji && !override.iconUrl ? { icons: { emoji: override.iconEmoji } } : {}),
    };
  }
  return { user: app.botUserId, bot_id: app.botId, app_id: app.appId, bot_profile: botProfile };
}

/** Slack posts a `channel_join` message when someone joins or is invited. */
export async function announceJoin(ctx: SimContext, conv: ConversationRecord, userId: string, inviter?: string):
Promise<void> {
  const user = ctx.state.user(conv.team, userId);
  ctx.state.feed.publish('channel', { channel: conv.id, teamId: conv.team });
  await appendMessage(ctx, conv, { type: 'message', subtype: 'channel_join', ts: ctx.state.nextTs(conv), user: userId,
    text: `<@${userId}> has joined the channel`, team: user?.teamId ?? conv.team, ...(inviter ? { inviter } : {}) });
}
