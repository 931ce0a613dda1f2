import type { SimContext } from '../context.js';
import type { Params } from '../http-util.js';
import type { AppRecord, ConversationRecord, TokenRecord, UserRecord } from '../state.js';
import { SlackApiError, missingArgument } from './errors.js';

export interface ApiCall {
  ctx: SimContext;
  method: string;
  params: Params;
  token: TokenRecord;
}

export type MethodResult = Record<string, unknown>;
export type MethodHandler = (call: ApiCall) => MethodResult | Promise<MethodResult>;

export function optionalString(call: ApiCall, name: string): string | undefined {
  const value = call.params[name];
  if (value === undefined || value === null || value === '') return undefined;
  return typeof value === 'string' ? value : String(value);
}

export function requireString(call: ApiCall, name: string): string {
  const value = optionalString(call, name);
  if (value === undefined) throw missingArgument(name);
  return value;
}

export function optionalBoolean(call: ApiCall, name: string): boolean {
  const value = call.params[name];
  return value === true || value === 'true' || value === '1' || value === 1;
}

/** Form bodies carry blocks/attachments as JSON strings, JSON bodies as arrays. */
export function optionalJsonArray(call: ApiCall, name: string, errorCode: string): unknown[] | undefined {
  const value = call.params[name];
  if (value === undefined || value === null || value === '') return undefined;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new SlackApiError(errorCode);
    }
  }
  if (!Array.isArray(parsed)) throw new SlackApiError(errorCode);
  return parsed;
}

export function callerApp(call: ApiCall): AppRecord | undefined {
  return call.token.appId ? call.ctx.state.apps.get(call.token.appId) : undefined;
}

/** A conversation the caller may see: same workspace, and a member if it is private or a DM. */
export function visibleConversation(call: ApiCall, id: string): ConversationRecord {
  const conv = call.ctx.state.conversations.get(id);
  if (!conv || conv.team !== call.token.teamId) throw new SlackApiError('channel_not_found');
  if ((conv.is_private || conv.is_im) && !conv.members.has(call.token.userId)) {
    throw new SlackApiError('channel_not_found');
  }
  return conv;
}

export function requireConversation(call: ApiCall, name = 'channel'): ConversationRecord {
  return visibleConversation(call, requireString(call, name));
}

export function workspaceUser(call: ApiCall, id: string): UserRecord {
  const user = call.ctx.state.user(call.token.teamId, id);
  if (!user) throw new SlackApiError('user_not_found');
  return user;
}

/** `maxLimit` caps `limit` silently, as Slack does for history-limited apps. */
export function paginate<T>(call: ApiCall, items: T[], defaultLimit: number, maxLimit = 1000):
{ page: T[]; nextCursor: string } {
  const limitParam = Number(optionalString(call, 'limit') ?? defaultLimit);
  const wanted = Number.isFinite(limitParam) && limitParam > 0 ? Math.min(limitParam, 1000) : defaultLimit;
  const limit = Math.min(wanted, maxLimit);
  const cursor = optionalString(call, 'cursor');
  let offset = 0;
  if (cursor) {
    const decoded = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
    if (!decoded) throw new SlackApiError('invalid_cursor');
    offset = Number(decoded[1]);
  }
  const page = items.slice(offset, offset + limit);
  const next = offset + limit < items.length ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '';
  return { page, nextCursor: next };
}
