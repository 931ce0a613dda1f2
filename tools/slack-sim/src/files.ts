import type { SimContext } from './context.js';
import { slackId } from './ids.js';
import { appendMessage, botMessageFields } from './messaging.js';
import type { ConversationRecord } from './state.js';
import { threadParent } from './threads.js';
import type { SimFile, SimMessage } from './types.js';
import { fileObject } from './web-api/shapes.js';

export function storeFile(ctx: SimContext, p: { id?: string; teamId: string; userId: string; name: string;
  title?: string; mimetype: string; content: Buffer }): SimFile & { created: number } {
  const id = p.id ?? slackId('F');
  const file = { id, teamId: p.teamId, userId: p.userId, name: p.name, title: p.title ?? p.name,
    mimetype: p.mimetype, size: p.content.length, channels: [],
    urlPrivate: `${ctx.baseUrl}/files-pri/${p.teamId}-${id}/${encodeURIComponent(p.name)}`,
    contentBase64: p.content.toString('base64'), created: ctx.state.nowSeconds() };
  ctx.state.files.set(id, file);
  return file;
}

/** Posts a `file_share` message carrying the files into a conversation, as the uploader. */
export async function shareFiles(ctx: SimContext, conv: ConversationRecord, files: (SimFile & { created: number })[],
  uploader: string, text: string, threadTs?: string): Promise<{ message: SimMessage; eventId: string }> {
  for (const file of files) if (!file.channels.includes(conv.id)) file.channels.push(conv.id);
  const app = ctx.state.user(conv.team, uploader)?.isBot ? ctx.state.appByBotUser(uploader) : undefined;
  const author = app ? botMessageFields(ctx, app, {}) : { user: uploader };
  const parent = threadTs ? threadParent(conv, threadTs) : undefined;
  const message: SimMessage = { type: 'message', subtype: 'file_share', ...author, text, ts: ctx.state.nextTs(conv),
    team: conv.team, files: files.map((f) => fileObject(ctx, f)), upload: true,
    ...(parent ? { thread_ts: parent.ts, ...(parent.user ? { parent_user_id: parent.user } : {}) } : {}) };
  const eventId = await appendMessage(ctx, conv, message);
  return { message, eventId };
}
