import { randomUUID } from 'node:crypto';
import type { SimContext } from '../context.js';
import { shareFiles, storeFile } from '../files.js';
import type { Params } from '../http-util.js';
import { appendMessage, changeMessage, removeMessage } from '../messaging.js';
import type { ConversationRecord, UserRecord } from '../state.js';
import { replyFields, threadParent } from '../threads.js';
import type { SimMessage } from '../types.js';
import { ControlError, app, conversation, optBool, optStr, str, teamUser } from './input.js';

/** What a Slack client sends for typed text: the plain text plus a rich_text block, and thread fields for a reply. */
function typedMessage(ctx: SimContext, conv: ConversationRecord, user: UserRecord, text: string,
  thread?: Partial<SimMessage>): SimMessage {
  return { type: 'message', user: user.id, text, ts: ctx.state.nextTs(conv), team: user.teamId,
    client_msg_id: randomUUID(),
    blocks: [{ type: 'rich_text', block_id: randomUUID().slice(0, 5),
      elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text }] }] }],
    ...thread };
}

function writableBy(ctx: SimContext, body: Params): { conv: ConversationRecord; user: UserRecord } {
  const teamId = str(body, 'teamId');
  const user = teamUser(ctx, teamId, str(body, 'userId'));
  const conv = conversation(ctx, str(body, 'channel'), teamId);
  if (!conv.members.has(user.id)) throw new ControlError(400, `user ${user.id} is not a member of ${conv.id}`);
  if (conv.is_archived) throw new ControlError(400, `conversation ${conv.id} is archived`);
  return { conv, user };
}

function ownMessage(ctx: SimContext, conv: ConversationRecord, user: UserRecord, ts: string): SimMessage {
  const message = ctx.state.findMessage(conv, ts);
  if (!message) throw new ControlError(404, `no message ${ts} in ${conv.id}`);
  if (message.user !== user.id || message.bot_id) throw new ControlError(400, `message ${ts} was not written by ${user.id}`);
  return message;
}

export async function sendDirectMessage(ctx: SimContext, body: Params): Promise<unknown> {
  const teamId = str(body, 'teamId');
  const user = teamUser(ctx, teamId, str(body, 'userId'));
  const bot = app(ctx, str(body, 'appId'));
  const text = str(body, 'text');
  if (bot.teamId !== teamId) throw new ControlError(400, `app ${bot.appId} is not installed in ${teamId}`);
  const { conv } = ctx.state.openDm(teamId, bot.botUserId, user.id);
  const message = typedMessage(ctx, conv, user, text);
  const eventId = await appendMessage(ctx, conv, message);
  return { channel: conv.id, ts: message.ts, eventId };
}

/** `threadTs` posts a reply (a reply's ts stands for its thread); `replyBroadcast` also sends it to the channel. */
export async function postAsUser(ctx: SimContext, body: Params): Promise<unknown> {
  const { conv, user } = writableBy(ctx, body);
  const threadTs = optStr(body, 'threadTs');
  const replyBroadcast = optBool(body, 'replyBroadcast') ?? false;
  const parent = threadTs ? threadParent(conv, threadTs) : undefined;
  if (threadTs && !parent) throw new ControlError(404, `no thread ${threadTs} in ${conv.id}`);
  if (replyBroadcast && !parent) throw new ControlError(400, 'replyBroadcast needs threadTs');
  const message = typedMessage(ctx, conv, user, str(body, 'text'), parent ? replyFields(parent, replyBroadcast) : undefined);
  const eventId = await appendMessage(ctx, conv, message);
  return { ts: message.ts, eventId };
}

export async function editAsUser(ctx: SimContext, body: Params): Promise<unknown> {
  const { conv, user } = writableBy(ctx, body);
  const text = str(body, 'text');
  const previous = ownMessage(ctx, conv, user, str(body, 'ts'));
  const blocks = [{ type: 'rich_text', block_id: randomUUID().slice(0, 5),
    elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text }] }] }];
  const { eventId } = await changeMessage(ctx, conv, previous.ts, user.id, { text, blocks });
  return { eventId };
}

export async function deleteAsUser(ctx: SimContext, body: Params): Promise<unknown> {
  const { conv, user } = writableBy(ctx, body);
  const previous = ownMessage(ctx, conv, user, str(body, 'ts'));
  return { eventId: await removeMessage(ctx, conv, previous.ts) };
}

export async function shareFile(ctx: SimContext, body: Params): Promise<unknown> {
  const { conv, user } = writableBy(ctx, body);
  const name = str(body, 'name');
  const mimetype = str(body, 'mimetype');
  const contentBase64 = str(body, 'contentBase64');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(contentBase64)) throw new ControlError(400, 'contentBase64 is not valid base64');
  const threadTs = optStr(body, 'threadTs');
  if (threadTs && !threadParent(conv, threadTs)) throw new ControlError(404, `no thread ${threadTs} in ${conv.id}`);
  const file = storeFile(ctx, { teamId: user.teamId, userId: user.id, name, mimetype,
    content: Buffer.from(contentBase64, 'base64') });
  const { message, eventId } = await shareFiles(ctx, conv, [file], user.id, optStr(body, 'text') ?? '', threadTs);
  return { ts: message.ts, fileId: file.id, eventId };
}
