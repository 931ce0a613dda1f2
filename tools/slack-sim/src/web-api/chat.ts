import { appendMessage, botMessageFields, changeMessage, removeMessage } from '../messaging.js';
import type { ConversationRecord } from '../state.js';
import { replyFields, threadParent } from '../threads.js';
import type { SimMessage } from '../types.js';
import {
  type ApiCall, type MethodHandler, callerApp, optionalBoolean, optionalJsonArray, optionalString, requireString,
  visibleConversation, workspaceUser,
} from './call.js';
import { SlackApiError } from './errors.js';
import { optionalMetadata } from './metadata.js';

/** Slack rejects text over 40,000 characters (docs.slack.dev/reference/methods/chat.postMessage). */
const MAX_TEXT = 40_000;

interface Content { text: string; blocks?: unknown[]; attachments?: unknown[] }

/** Slack refuses an actions block whose elements share an action_id ("Should be unique among all other action_ids in the containing block"). */
function readBlocks(call: ApiCall): unknown[] | undefined {
  const blocks = optionalJsonArray(call, 'blocks', 'invalid_blocks');
  for (const block of blocks ?? []) {
    const elements = (block as { type?: unknown; elements?: unknown }).elements;
    if ((block as { type?: unknown }).type !== 'actions' || !Array.isArray(elements)) continue;
    const ids = elements.map((element) => (element as { action_id?: unknown }).action_id).filter((id) => typeof id === 'string');
    if (new Set(ids).size !== ids.length) throw new SlackApiError('invalid_blocks');
  }
  return blocks;
}

function readContent(call: ApiCall): Content {
  const text = optionalString(call, 'text') ?? '';
  const blocks = readBlocks(call);
  const attachments = optionalJsonArray(call, 'attachments', 'invalid_attachments');
  if (!text && !blocks?.length && !attachments?.length) throw new SlackApiError('no_text');
  if (text.length > MAX_TEXT) throw new SlackApiError('msg_too_long');
  return { text, ...(blocks ? { blocks } : {}), ...(attachments ? { attachments } : {}) };
}

/** chat.postMessage also takes a user id (posts to the app's DM with them) or a channel name. */
function postTarget(call: ApiCall): ConversationRecord {
  const channel = requireString(call, 'channel');
  const { state } = call.ctx;
  if (/^[UW]/.test(channel) && !state.conversations.has(channel)) {
    const user = workspaceUser(call, channel);
    if (call.token.kind !== 'bot') throw new SlackApiError('channel_not_found');
    return state.openDm(call.token.teamId, call.token.userId, user.id).conv;
  }
  if (!/^[CDG][A-Z0-9]+$/.test(channel)) {
    const name = channel.replace(/^#/, '');
    const byName = [...state.conversations.values()].find((c) => c.team === call.token.teamId && c.name === name);
    if (!byName) throw new SlackApiError('channel_not_found');
    return visibleConversation(call, byName.id);
  }
  return visibleConversation(call, channel);
}

function assertWritable(call: ApiCall, conv: ConversationRecord): void {
  if (conv.is_archived) throw new SlackApiError('is_archived');
  if (!conv.members.has(call.token.userId)) throw new SlackApiError('not_in_channel');
}

function authorFields(call: ApiCall): Partial<SimMessage> {
  const app = callerApp(call);
  if (app) {
    return botMessageFields(call.ctx, app, {
      ...(optionalString(call, 'username') ? { username: optionalString(call, 'username') } : {}),
      ...(optionalString(call, 'icon_url') ? { iconUrl: optionalString(call, 'icon_url') } : {}),
      ...(optionalString(call, 'icon_emoji') ? { iconEmoji: optionalString(call, 'icon_emoji') } : {}),
    });
  }
  return { user: call.token.userId };
}

function ownsMessage(call: ApiCall, message: SimMessage): boolean {
  const app = callerApp(call);
  if (app) return message.bot_id === app.botId;
  return message.user === call.token.userId && !message.bot_id;
}

const postMessage: MethodHandler = async (call) => {
  const conv = postTarget(call);
  const content = readContent(call);
  const metadata = optionalMetadata(call);
  assertWritable(call, conv);
  const threadTs = optionalString(call, 'thread_ts');
  const parent = threadTs ? threadParent(conv, threadTs) : undefined;
  if (threadTs && !parent) throw new SlackApiError('thread_not_found');
  const message: SimMessage = {
    type: 'message', ...authorFields(call), text: content.text, ts: call.ctx.state.nextTs(conv),
    team: call.token.teamId,
    ...(content.blocks ? { blocks: content.blocks } : {}),
    ...(content.attachments ? { attachments: content.attachments } : {}),
    ...(parent ? replyFields(parent, optionalBoolean(call, 'reply_broadcast')) : {}),
    ...(metadata ? { metadata } : {}),
  };
  await appendMessage(call.ctx, conv, message);
  return { channel: conv.id, ts: message.ts, message };
};

const postEphemeral: MethodHandler = (call) => {
  const conv = postTarget(call);
  const userId = requireString(call, 'user');
  const content = readContent(call);
  const user = workspaceUser(call, userId);
  assertWritable(call, conv);
  if (!conv.members.has(user.id)) throw new SlackApiError('user_not_in_channel');
  const ts = call.ctx.state.looseTs();
  const appId = call.token.appId;
  call.ctx.state.addEphemeral({ channel: conv.id, user: user.id, text: content.text, ts, source: 'api',
    ...(content.blocks ? { blocks: content.blocks } : {}),
    ...(content.attachments ? { attachments: content.attachments } : {}),
    ...(appId ? { appId } : {}) });
  return { message_ts: ts };
};

const update: MethodHandler = async (call) => {
  const conv = visibleConversation(call, requireString(call, 'channel'));
  const ts = requireString(call, 'ts');
  const existing = call.ctx.state.findMessage(conv, ts);
  if (!existing) throw new SlackApiError('message_not_found');
  if (!ownsMessage(call, existing)) throw new SlackApiError('cant_update_message');
  if (conv.is_archived) throw new SlackApiError('is_archived');
  const text = optionalString(call, 'text');
  const blocks = readBlocks(call);
  const attachments = optionalJsonArray(call, 'attachments', 'invalid_attachments');
  const metadata = optionalMetadata(call);
  // Omitted blocks/attachments are kept, as Slack does; an update must still leave something to show.
  const nextText = text ?? (blocks || attachments ? '' : existing.text);
  if (!nextText && !(blocks ?? existing.blocks)?.length && !(attachments ?? existing.attachments)?.length) {
    throw new SlackApiError('no_text');
  }
  if (nextText.length > 40_000) throw new SlackApiError('msg_too_long');
  const { message } = await changeMessage(call.ctx, conv, ts, call.token.userId, {
    text: nextText, ...(blocks ? { blocks } : {}), ...(attachments ? { attachments } : {}),
    ...(metadata ? { metadata } : {}) });
  const shown: Record<string, unknown> = { text: message.text };
  for (const key of ['attachments', 'blocks', 'user', 'bot_id', 'app_id', 'type', 'subtype', 'username', 'edited', 'team',
    'thread_ts', 'metadata'] as const) {
    if (message[key] !== undefined) shown[key] = message[key];
  }
  return { channel: conv.id, ts, text: message.text, message: shown };
};

const remove: MethodHandler = async (call) => {
  const conv = visibleConversation(call, requireString(call, 'channel'));
  const ts = requireString(call, 'ts');
  const existing = call.ctx.state.findMessage(conv, ts);
  if (!existing) throw new SlackApiError('message_not_found');
  if (!ownsMessage(call, existing)) throw new SlackApiError('cant_delete_message');
  await removeMessage(call.ctx, conv, ts);
  return { channel: conv.id, ts };
};

export const chatMethods: Record<string, MethodHandler> = {
  'chat.postMessage': postMessage,
  'chat.postEphemeral': postEphemeral,
  'chat.update': update,
  'chat.delete': remove,
};
