import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.js';
import { readBody, sendJson } from './http-util.js';
import { appendMessage, botMessageFields, changeMessage, removeMessage } from './messaging.js';
import { RESPONSE_URL_MAX_USES, RESPONSE_URL_TTL_MS } from './state.js';

/** `POST /hooks/commands/<id>`: the response_url of a slash command or interaction. */
export async function handleResponseUrl(ctx: SimContext, req: IncomingMessage, res: ServerResponse, id: string):
Promise<void> {
  const { state } = ctx;
  const raw = (await readBody(req)).toString('utf8');
  const record = state.responseUrls.get(id);
  const responseUrl = record?.url ?? `${ctx.baseUrl}/hooks/commands/${id}`;
  let body: Record<string, unknown> = {};
  const fail = (status: number, error: string): void => {
    state.responseReplies.push({ responseUrl, body, status, receivedAt: state.now() });
    sendJson(res, status, { ok: false, error });
  };
  if (!record) return fail(404, 'no_service');
  if (state.now() - record.createdAt > RESPONSE_URL_TTL_MS) return fail(404, 'expired_url');
  if (record.uses >= RESPONSE_URL_MAX_USES) return fail(404, 'used_url');
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail(400, 'invalid_payload');
    body = parsed as Record<string, unknown>;
  } catch {
    return fail(400, 'invalid_payload');
  }
  const text = typeof body.text === 'string' ? body.text : '';
  const blocks = Array.isArray(body.blocks) ? body.blocks : undefined;
  const attachments = Array.isArray(body.attachments) ? body.attachments : undefined;
  const deleteOriginal = body.delete_original === true || body.delete_original === 'true';
  if (!deleteOriginal && !text && !blocks?.length && !attachments?.length) return fail(400, 'no_text');
  record.uses += 1;
  const conv = state.conversations.get(record.channel);
  const app = state.apps.get(record.appId);
  const original = conv && record.messageTs ? state.findMessage(conv, record.messageTs) : undefined;
  const content = { text, ...(blocks ? { blocks } : {}), ...(attachments ? { attachments } : {}) };
  const replacing = body.replace_original === true || body.replace_original === 'true';
  // Slack lets an interaction on an ephemeral message replace or delete that ephemeral through its response_url.
  if (record.ephemeralTs && (deleteOriginal || replacing)) {
    state.replaceEphemeral(record.channel, record.userId, record.ephemeralTs, deleteOriginal ? undefined : content);
  } else if (deleteOriginal && conv && original) {
    await removeMessage(ctx, conv, original.ts);
  } else if (replacing && conv && original) {
    await changeMessage(ctx, conv, original.ts, record.userId, content);
  } else if (body.response_type === 'in_channel' && conv && app) {
    await appendMessage(ctx, conv, { type: 'message', ...botMessageFields(ctx, app, {}), ...content,
      ts: state.nextTs(conv), team: conv.team });
  } else if (!deleteOriginal) {
    state.addEphemeral({ channel: record.channel, user: record.userId, ...content, ts: state.looseTs(),
      appId: record.appId, source: 'response_url' });
  }
  state.responseReplies.push({ responseUrl, body, status: 200, receivedAt: state.now() });
  sendJson(res, 200, { ok: true });
}
