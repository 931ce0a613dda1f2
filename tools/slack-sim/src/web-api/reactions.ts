import { broadcastToChannelApps } from '../events.js';
import { reactionName } from '../emoji.js';
import { touchMessage } from '../messaging.js';
import type { ConversationRecord } from '../state.js';
import type { SimMessage, SimReaction } from '../types.js';
import { type ApiCall, type MethodHandler, optionalString, requireConversation } from './call.js';
import { SlackApiError } from './errors.js';
import { messageForApi } from './shapes.js';

interface Target { conv: ConversationRecord; message: SimMessage }

/** The message a reactions.* call points at with `channel` + `timestamp`. */
export function targetMessage(call: ApiCall, needMembership: boolean): Target {
  if (!optionalString(call, 'channel') || !optionalString(call, 'timestamp')) throw new SlackApiError('no_item_specified');
  const conv = requireConversation(call);
  if (needMembership && !conv.members.has(call.token.userId)) throw new SlackApiError('not_in_channel');
  const message = call.ctx.state.findMessage(conv, optionalString(call, 'timestamp') ?? '');
  if (!message || message.subtype === 'tombstone') throw new SlackApiError('message_not_found');
  return { conv, message };
}

function requestedName(call: ApiCall): string {
  const name = reactionName(optionalString(call, 'name') ?? '');
  if (!name) throw new SlackApiError('invalid_name');
  return name;
}

function withReactions(message: SimMessage, reactions: SimReaction[]): SimMessage {
  const { reactions: _old, ...rest } = message;
  return reactions.length > 0 ? { ...rest, reactions } : rest;
}

async function announce(call: ApiCall, { conv, message }: Target, type: 'reaction_added' | 'reaction_removed',
  name: string): Promise<void> {
  call.ctx.state.feed.publish('reaction', { channel: conv.id, teamId: conv.team });
  await broadcastToChannelApps(call.ctx, conv, { type, user: call.token.userId, reaction: name,
    ...(message.user ? { item_user: message.user } : {}), item: { type: 'message', channel: conv.id, ts: message.ts },
    event_ts: call.ctx.state.looseTs() });
}

const add: MethodHandler = async (call) => {
  const target = targetMessage(call, true);
  const name = requestedName(call);
  if (target.conv.is_archived) throw new SlackApiError('is_archived');
  const user = call.token.userId;
  const reactions = target.message.reactions ?? [];
  const existing = reactions.find((r) => r.name === name);
  if (existing?.users.includes(user)) throw new SlackApiError('already_reacted');
  const next = existing
    ? reactions.map((r) => (r === existing ? { name, users: [...r.users, user], count: r.count + 1 } : r))
    : [...reactions, { name, users: [user], count: 1 }];
  touchMessage(call.ctx, target.conv, target.message.ts, (m) => withReactions(m, next));
  await announce(call, target, 'reaction_added', name);
  return {};
};

const remove: MethodHandler = async (call) => {
  const target = targetMessage(call, true);
  const name = requestedName(call);
  const user = call.token.userId;
  const reactions = target.message.reactions ?? [];
  const existing = reactions.find((r) => r.name === name);
  if (!existing?.users.includes(user)) throw new SlackApiError('no_reaction');
  const next = reactions
    .map((r) => (r === existing ? { name, users: r.users.filter((u) => u !== user), count: r.count - 1 } : r))
    .filter((r) => r.count > 0);
  touchMessage(call.ctx, target.conv, target.message.ts, (m) => withReactions(m, next));
  await announce(call, target, 'reaction_removed', name);
  return {};
};

const get: MethodHandler = (call) => {
  const { conv, message } = targetMessage(call, false);
  return { type: 'message', channel: conv.id, message: messageForApi(message, false) };
};

export const reactionMethods: Record<string, MethodHandler> = {
  'reactions.add': add,
  'reactions.remove': remove,
  'reactions.get': get,
};
