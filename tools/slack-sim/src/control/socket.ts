import type { SimContext } from '../context.js';
import type { Params } from '../http-util.js';
import { DISCONNECT_REASONS, type DisconnectReason } from '../socket-mode/hub.js';
import { ControlError, app, optStr, str } from './input.js';

/** `POST /_sim/socket/disconnect`: Slack's `disconnect` message to one or all of an app's connections. */
export function disconnectSockets(ctx: SimContext, body: Params): unknown {
  const target = app(ctx, str(body, 'appId'));
  const reason = (optStr(body, 'reason') ?? 'refresh_requested') as DisconnectReason;
  if (!DISCONNECT_REASONS.includes(reason)) throw new ControlError(400, `reason must be one of ${DISCONNECT_REASONS.join(', ')}`);
  const connectionId = optStr(body, 'connectionId');
  return { connections: found(ctx.sockets.disconnect(target.appId, reason, connectionId), connectionId) };
}

function found<T>(connections: T[], connectionId: string | undefined): T[] {
  if (connectionId && connections.length === 0) throw new ControlError(404, `no open connection ${connectionId}`);
  return connections;
}

/** `POST /_sim/socket/drop`: the connections vanish without a close frame, like a network failure. */
export function dropSockets(ctx: SimContext, body: Params): unknown {
  const target = app(ctx, str(body, 'appId'));
  const connectionId = optStr(body, 'connectionId');
  return { connections: found(ctx.sockets.drop(target.appId, connectionId), connectionId) };
}

export function socketConnections(ctx: SimContext, q: Params): unknown {
  const appId = optStr(q, 'appId');
  if (appId) app(ctx, appId);
  return { connections: ctx.sockets.list(appId) };
}
