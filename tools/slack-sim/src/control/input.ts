import type { SimContext } from '../context.js';
import type { Params } from '../http-util.js';
import type { AppRecord, ConversationRecord, UserRecord, WorkspaceRecord } from '../state.js';

/** A control-API request the simulator refuses: HTTP status plus a message naming the problem. */
export class ControlError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export function str(body: Params, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value.length === 0) throw new ControlError(400, `${name} is required (a non-empty string)`);
  return value;
}

export function optStr(body: Params, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ControlError(400, `${name} must be a string`);
  return value;
}

export function optBool(body: Params, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new ControlError(400, `${name} must be true or false`);
  return value;
}

export function optUrl(body: Params, name: string): string | undefined {
  const value = optStr(body, name);
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new ControlError(400, `${name} must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function workspace(ctx: SimContext, id: string): WorkspaceRecord {
  const ws = ctx.state.workspaces.get(id);
  if (!ws) throw new ControlError(404, `unknown workspace ${id}`);
  return ws;
}

export function teamUser(ctx: SimContext, teamId: string, userId: string): UserRecord {
  workspace(ctx, teamId);
  const user = ctx.state.user(teamId, userId);
  if (!user) throw new ControlError(404, `unknown user ${userId} in workspace ${teamId}`);
  return user;
}

export function app(ctx: SimContext, appId: string): AppRecord {
  const record = ctx.state.apps.get(appId);
  if (!record) throw new ControlError(404, `unknown app ${appId}`);
  return record;
}

export function conversation(ctx: SimContext, id: string, teamId?: string): ConversationRecord {
  const conv = ctx.state.conversations.get(id);
  if (!conv || (teamId !== undefined && conv.team !== teamId)) {
    throw new ControlError(404, `unknown conversation ${id}${teamId ? ` in workspace ${teamId}` : ''}`);
  }
  return conv;
}
