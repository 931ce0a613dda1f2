import { type Actor, archiveChannel, renameChannel, unarchiveChannel } from '../channel-lifecycle.js';
import { channelNameError } from '../channel-names.js';
import { announceJoin } from '../messaging.js';
import { parseTs } from '../ids.js';
import { HISTORY_LIMITED_PAGE } from '../rate-limits.js';
import type { ConversationRecord } from '../state.js';
import { isReply } from '../threads.js';
import type { SimMessage } from '../types.js';
import { conversationObject, messageForApi } from './shapes.js';
import {
  type ApiCall, type MethodHandler, callerApp, optionalBoolean, optionalString, paginate, requireConversation,
  requireString, workspaceUser,
} from './call.js';
import { SlackApiError } from './errors.js';

function notIm(conv: ConversationRecord): void {
  if (conv.is_im) throw new SlackApiError('method_not_supported_for_channel_type');
}

function csv(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

const open: MethodHandler = (call) => {
  const channel = optionalString(call, 'channel');
  const users = optionalString(call, 'users');
  if (channel) {
    const conv = requireConversation(call);
    return { no_op: true, already_open: true, channel: { id: conv.id } };
  }
  if (!users) throw new SlackApiError('users_list_not_supplied');
  const ids = csv(users);
  const [other] = ids;
  if (ids.length !== 1 || !other) throw new SlackApiError('not_enough_users');
  const user = workspaceUser(call, other);
  const { conv, existed } = call.ctx.state.openDm(call.token.teamId, call.token.userId, user.id);
  if (optionalBoolean(call, 'return_im')) {
    return { ...(existed ? { no_op: true, already_open: true } : {}), channel: conversationObject(conv, call.token.userId) };
  }
  return { ...(existed ? { no_op: true, already_open: true } : {}), channel: { id: conv.id } };
};

/** A history-limited app gets at most 15 messages a page whatever `limit` says. */
export function historyPageCap(call: ApiCall): number {
  return callerApp(call)?.historyLimited ? HISTORY_LIMITED_PAGE : 1000;
}

/** The `oldest`/`latest`/`inclusive` window shared by conversations.history and conversations.replies. */
export function inTimeWindow(call: ApiCall): (m: SimMessage) => boolean {
  const oldest = parseTs(optionalString(call, 'oldest') ?? '0000000000.000000') ?? 0n;
  const latestParam = optionalString(call, 'latest');
  const latest = latestParam ? parseTs(latestParam) : undefined;
  const inclusive = optionalBoolean(call, 'inclusive');
  return (m) => {
    const ts = parseTs(m.ts) ?? 0n;
    const afterOldest = inclusive ? ts >= oldest : ts > oldest;
    const beforeLatest = latest === undefined || (inclusive ? ts <= latest : ts < latest);
    return afterOldest && beforeLatest;
  };
}

/** Thread replies stay out of the channel's history, except those also sent to the channel. */
function inChannelHistory(m: SimMessage): boolean {
  return !isReply(m) || m.subtype === 'thread_broadcast';
}

const history: MethodHandler = (call) => {
  const conv = requireConversation(call);
  if (!conv.members.has(call.token.userId)) throw new SlackApiError('not_in_channel');
  const inWindow = inTimeWindow(call);
  const newestFirst = call.ctx.state.sortedMessages(conv).reverse().filter((m) => inChannelHistory(m) && inWindow(m));
  const { page, nextCursor } = paginate(call, newestFirst, 100, historyPageCap(call));
  const withMetadata = optionalBoolean(call, 'include_all_metadata');
  return { messages: page.map((m) => messageForApi(m, withMetadata)), has_more: nextCursor !== '',
    pin_count: conv.pins.size, channel_actions_ts: null, channel_actions_count: 0,
    ...(nextCursor ? { response_metadata: { next_cursor: nextCursor } } : {}) };
};

const info: MethodHandler = (call) => {
  const conv = requireConversation(call);
  return { channel: conversationObject(conv, call.token.userId, optionalBoolean(call, 'include_num_members')) };
};

const create: MethodHandler = async (call) => {
  const name = optionalString(call, 'name') ?? '';
  const error = channelNameError(name);
  if (error) throw new SlackApiError(error);
  const { state } = call.ctx;
  const taken = [...state.conversations.values()].some((c) => c.team === call.token.teamId && c.name === name);
  if (taken) throw new SlackApiError('name_taken');
  const isPrivate = optionalBoolean(call, 'is_private');
  const conv = state.addConversation({ name, team: call.token.teamId, is_channel: !isPrivate, is_group: isPrivate,
    is_im: false, is_private: isPrivate, is_archived: false, creator: call.token.userId,
    members: new Set([call.token.userId]) });
  return { channel: conversationObject(conv, call.token.userId) };
};

function actor(call: ApiCall): Actor {
  const app = callerApp(call);
  return { userId: call.token.userId, ...(app ? { app } : {}) };
}

const archive: MethodHandler = async (call) => {
  const conv = requireConversation(call);
  notIm(conv);
  if (conv.is_archived) throw new SlackApiError('already_archived');
  if (!conv.members.has(call.token.userId)) throw new SlackApiError('not_in_channel');
  await archiveChannel(call.ctx, conv, actor(call));
  return {};
};

const unarchive: MethodHandler = async (call) => {
  const conv = requireConversation(call);
  notIm(conv);
  if (!conv.is_archived) throw new SlackApiError('not_archived');
  await unarchiveChannel(call.ctx, conv, actor(call));
  return {};
};

const rename: MethodHandler = async (call) => {
  const conv = requireConversation(call);
  const name = requireString(call, 'name');
  notIm(conv);
  if (conv.is_archived) throw new SlackApiError('is_archived');
  if (!conv.members.has(call.token.userId)) throw new SlackApiError('not_in_channel');
  const error = channelNameError(name);
  if (error) throw new SlackApiError(error);
  const taken = [...call.ctx.state.conversations.values()].some((c) => c.team === conv.team && c.name === name
    && c.id !== conv.id);
  if (taken) throw new SlackApiError('name_taken');
  await renameChannel(call.ctx, conv, name, actor(call));
  return { channel: conversationObject(conv, call.token.userId) };
};

const invite: MethodHandler = async (call) => {
  const conv = requireConversation(call);
  const ids = csv(requireString(call, 'users'));
  notIm(conv);
  if (conv.is_archived) throw new SlackApiError('is_archived');
  if (!conv.members.has(call.token.userId)) throw new SlackApiError('not_in_channel');
  const users = ids.map((id) => workspaceUser(call, id));
  if (users.some((u) => u.id === call.token.userId)) throw new SlackApiError('cant_invite_self');
  const fresh = users.filter((u) => !conv.members.has(u.id));
  // Slack only complains when every invitee is already there.
  if (fresh.length === 0) throw new SlackApiError('already_in_channel');
  for (const user of fresh) {
    conv.members.add(user.id);
    await announceJoin(call.ctx, conv, user.id, call.token.userId);
  }
  return { channel: conversationObject(conv, call.token.userId) };
};

const join: MethodHandler = async (call) => {
  const conv = requireConversation(call);
  notIm(conv);
  if (conv.is_archived) throw new SlackApiError('is_archived');
  if (conv.is_private) throw new SlackApiError('method_not_supported_for_channel_type');
  if (conv.members.has(call.token.userId)) {
    return { channel: conversationObject(conv, call.token.userId), warning: 'already_in_channel',
      response_metadata: { warnings: ['already_in_channel'] } };
  }
  conv.members.add(call.token.userId);
  await announceJoin(call.ctx, conv, call.token.userId);
  return { channel: conversationObject(conv, call.token.userId) };
};

function listTypes(call: ApiCall): Set<string> {
  const types = new Set(csv(optionalString(call, 'types') ?? 'public_channel'));
  for (const type of types) {
    if (!['public_channel', 'private_channel', 'im', 'mpim'].includes(type)) throw new SlackApiError('invalid_types');
  }
  return types;
}

const list: MethodHandler = (call) => {
  const types = listTypes(call);
  const excludeArchived = optionalBoolean(call, 'exclude_archived');
  const viewer = call.token.userId;
  const visible = [...call.ctx.state.conversations.values()].filter((c) => {
    if (c.team !== call.token.teamId) return false;
    if (excludeArchived && c.is_archived) return false;
    if (c.is_im) return types.has('im') && c.members.has(viewer);
    if (c.is_private) return types.has('private_channel') && c.members.has(viewer);
    return types.has('public_channel');
  });
  const { page, nextCursor } = paginate(call, visible, 100);
  return { channels: page.map((c) => conversationObject(c, viewer)), response_metadata: { next_cursor: nextCursor } };
};

const members: MethodHandler = (call) => {
  const conv = requireConversation(call);
  const { page, nextCursor } = paginate(call, [...conv.members], 100);
  return { members: page, response_metadata: { next_cursor: nextCursor } };
};

export const conversationMethods: Record<string, MethodHandler> = {
  'conversations.open': open,
  'conversations.history': history,
  'conversations.info': info,
  'conversations.create': create,
  'conversations.archive': archive,
  'conversations.unarchive': unarchive,
  'conversations.rename': rename,
  'conversations.invite': invite,
  'conversations.join': join,
  'conversations.list': list,
  'conversations.members': members,
};
