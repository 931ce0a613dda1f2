import { parseTs } from './ids.js';
import type { ConversationRecord } from './state.js';
import type { SimMessage } from './types.js';

/** Slack lists at most this many repliers in a parent's `reply_users`. */
const MAX_REPLY_USERS = 5;

export function isReply(message: SimMessage): boolean {
  return message.thread_ts !== undefined && message.thread_ts !== message.ts;
}

function byTs(a: SimMessage, b: SimMessage): number {
  return Number((parseTs(a.ts) ?? 0n) - (parseTs(b.ts) ?? 0n));
}

export function repliesOf(conv: ConversationRecord, parentTs: string): SimMessage[] {
  return conv.messages.filter((m) => isReply(m) && m.thread_ts === parentTs).sort(byTs);
}

/** The thread a ts belongs to: a reply's ts stands for its thread, as conversations.replies and thread_ts allow. */
export function threadParent(conv: ConversationRecord, ts: string): SimMessage | undefined {
  const message = conv.messages.find((m) => m.ts === ts);
  if (!message || !isReply(message)) return message;
  return conv.messages.find((m) => m.ts === message.thread_ts);
}

function author(message: SimMessage): string | undefined {
  return message.user ?? message.bot_id;
}

/**
 * Brings a parent's thread summary up to date after a reply came or went: `reply_count`, `reply_users`,
 * `latest_reply`; a parent whose last reply is gone becomes a plain message again. Returns the parent.
 */
export function refreshThreadSummary(conv: ConversationRecord, parentTs: string): SimMessage | undefined {
  const index = conv.messages.findIndex((m) => m.ts === parentTs);
  const parent = conv.messages[index];
  if (!parent) return undefined;
  const replies = repliesOf(conv, parentTs);
  const {
    thread_ts: _t, reply_count: _c, reply_users: _u, reply_users_count: _n, latest_reply: _l, is_locked: _k,
    subscribed: _s, ...plain
  } = parent;
  if (replies.length === 0) {
    // A deleted parent is kept only for its replies; with none left it goes too.
    if (parent.subtype === 'tombstone') {
      conv.messages.splice(index, 1);
      return undefined;
    }
    conv.messages[index] = plain;
    return plain;
  }
  const users = [...new Set(replies.map(author).filter((u): u is string => u !== undefined))];
  const updated: SimMessage = { ...plain, thread_ts: parent.ts, reply_count: replies.length,
    reply_users_count: users.length, reply_users: users.slice(0, MAX_REPLY_USERS),
    latest_reply: replies.at(-1)?.ts ?? parent.ts, is_locked: false, subscribed: false };
  conv.messages[index] = updated;
  return updated;
}

/** What a deleted parent leaves behind while its thread still has replies (Slack shows "This message was deleted."). */
export function tombstoneOf(parent: SimMessage): SimMessage {
  return { type: 'message', subtype: 'tombstone', text: 'This message was deleted.', ts: parent.ts,
    user: 'USLACKBOT', hidden: true, ...(parent.team ? { team: parent.team } : {}), thread_ts: parent.ts };
}

/**
 * A reply's thread fields. A reply's own ts stands for its thread; `reply_broadcast` makes it a
 * `thread_broadcast` that also shows in the channel, carrying the parent as `root`.
 */
export function replyFields(parent: SimMessage, broadcast: boolean): Partial<SimMessage> {
  const { metadata: _metadata, ...root } = parent;
  return { thread_ts: parent.ts, ...(parent.user ? { parent_user_id: parent.user } : {}),
    ...(broadcast ? { subtype: 'thread_broadcast', root } : {}) };
}
