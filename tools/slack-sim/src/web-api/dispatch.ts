import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from '../context.js';
import { takeFault } from '../faults.js';
import { type Params, contentType, parseForm, readBody, sendJson } from '../http-util.js';
import type { TokenRecord } from '../state.js';
import { appMethods } from './apps.js';
import { authAndUserMethods } from './auth-users.js';
import type { MethodHandler } from './call.js';
import { chatMethods } from './chat.js';
import { conversationMethods } from './conversations.js';
import { SlackApiError } from './errors.js';
import { fileMethods } from './files.js';
import { pinMethods } from './pins.js';
import { reactionMethods } from './reactions.js';
import { teamAndBotMethods } from './team-bots.js';
import { threadMethods } from './threads.js';

const METHODS: Record<string, MethodHandler> = {
  ...authAndUserMethods, ...conversationMethods, ...threadMethods, ...chatMethods, ...fileMethods, ...reactionMethods,
  ...pinMethods, ...teamAndBotMethods, ...appMethods,
};

/** Methods an app-level (xapp-) token may call; every other method refuses it, as Slack does. */
const APP_TOKEN_METHODS = new Set(['apps.connections.open']);

export const SUPPORTED_METHODS = Object.keys(METHODS);

async function readParams(req: IncomingMessage, url: URL): Promise<{ params: Params; bodyToken?: string }> {
  const params: Params = Object.fromEntries(url.searchParams);
  const raw = (await readBody(req)).toString('utf8');
  const type = contentType(req);
  if (type === 'application/json' && raw.trim()) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new SlackApiError('invalid_json');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SlackApiError('invalid_json');
    // Slack ignores a token inside a JSON body; it must come as a Bearer header.
    const { token: _ignored, ...rest } = parsed as Params;
    return { params: { ...params, ...rest } };
  }
  if (type === 'application/x-www-form-urlencoded' || (!type && raw)) {
    const form = parseForm(raw);
    return { params: { ...params, ...form }, ...(typeof form.token === 'string' ? { bodyToken: form.token } : {}) };
  }
  return { params };
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

function authenticate(ctx: SimContext, method: string, tokenValue: string | undefined): TokenRecord {
  if (!tokenValue) throw new SlackApiError('not_authed');
  const token = ctx.state.tokens.get(tokenValue);
  if (!token) throw new SlackApiError('invalid_auth');
  // A revoked app-level token gets invalid_auth: apps.connections.open's error list has no token_revoked.
  if (token.revoked) throw new SlackApiError(token.kind === 'app' ? 'invalid_auth' : 'token_revoked');
  if ((token.kind === 'app') !== APP_TOKEN_METHODS.has(method)) throw new SlackApiError('not_allowed_token_type');
  return token;
}

function retryAfter(ctx: SimContext, method: string, token: TokenRecord, channel: string | undefined):
number | undefined {
  const app = token.appId ? ctx.state.apps.get(token.appId) : undefined;
  const limited = app?.historyLimited ? ctx.limiter.takeHistoryLimited(method, app.appId, token.teamId) : undefined;
  return limited ?? ctx.limiter.take(method, token.appId ?? token.userId, token.teamId, channel);
}

/** Serves `POST|GET /api/<method>` like slack.com/api: HTTP 200 with `ok`, 429 when rate limited. */
/** The conversation a request acts on: `channel`, or `channel_id` where Slack names it so (files.completeUploadExternal). */
function targetChannel(params: Params): string | undefined {
  const channel = params.channel ?? params.channel_id;
  return typeof channel === 'string' ? channel : undefined;
}

export async function handleWebApi(ctx: SimContext, req: IncomingMessage, res: ServerResponse, method: string,
  url: URL): Promise<void> {
  const handler = METHODS[method];
  let tokenValue: string | undefined = bearer(req);
  try {
    const { params, bodyToken } = await readParams(req, url);
    tokenValue ??= bodyToken ?? (typeof params.token === 'string' && url.searchParams.has('token') ? params.token : undefined);
    const fault = takeFault(ctx.state, method, tokenValue, targetChannel(params));
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'latency' && !(await ctx.sleeps.sleep(fault.latencyMs ?? 1000))) {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === '5xx') {
      sendJson(res, 500, { ok: false, error: 'internal_error' });
      return;
    }
    if (fault?.kind === 'invalid_auth' || fault?.kind === 'token_revoked') throw new SlackApiError(fault.kind);
    if (!handler) {
      sendJson(res, 404, { ok: false, error: 'unknown_method', req_method: method });
      return;
    }
    const token = authenticate(ctx, method, tokenValue);
    const channel = typeof params.channel === 'string' ? params.channel : undefined;
    const wait = retryAfter(ctx, method, token, channel);
    if (wait !== undefined) {
      sendJson(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(wait) });
      return;
    }
    const result = await handler({ ctx, method, params, token });
    if (fault?.kind === 'reset_after_send') {
      req.socket.destroy();
      return;
    }
    sendJson(res, 200, { ok: true, ...result });
  } catch (error) {
    if (error instanceof SlackApiError) {
      sendJson(res, 200, { ok: false, error: error.code, ...error.extra });
      return;
    }
    throw error;
  }
}
