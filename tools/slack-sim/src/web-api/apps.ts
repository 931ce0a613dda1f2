import type { MethodHandler } from './call.js';
import { SlackApiError } from './errors.js';

/**
 * apps.connections.open: a single-use WebSocket URL for Socket Mode. Only app-level tokens get here (the
 * dispatcher refuses the others with not_allowed_token_type).
 */
const connectionsOpen: MethodHandler = (call) => {
  const app = call.token.appId ? call.ctx.state.apps.get(call.token.appId) : undefined;
  if (!app) throw new SlackApiError('invalid_auth');
  const ticket = call.ctx.sockets.issueTicket(app.appId);
  return { url: `${call.ctx.baseUrl.replace(/^http/, 'ws')}/socket/${ticket}` };
};

export const appMethods: Record<string, MethodHandler> = {
  'apps.connections.open': connectionsOpen,
};
