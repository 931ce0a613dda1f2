import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from '../context.js';
import { type Params, readBody, sendJson } from '../http-util.js';
import { clearFaults, eventRetries, fault, rateLimits } from './admin.js';
import {
  chooseOption, clickButton, runSlashCommand, sendRawEvent, sendUrlVerification,
} from './app-requests.js';
import {
  archiveChannelAction, deleteChannelAction, removeFromChannelAction, unarchiveChannelAction,
} from './channel-actions.js';
import { conversationView } from './conversation-view.js';
import { ControlError } from './input.js';
import {
  channelByName, conversationInfo, deliveries, dmChannel, ephemerals, files, messages, overview, responseUrlReplies,
} from './inspect.js';
import {
  createApp, createUser, createWorkspace, issueAppToken, issueBotToken, revokeToken, updateApp,
} from './people.js';
import { disconnectSockets, dropSockets, socketConnections } from './socket.js';
import { deleteAsUser, editAsUser, postAsUser, sendDirectMessage, shareFile } from './user-actions.js';
import { workspacesOverview } from './workspaces-overview.js';

type Handler = (ctx: SimContext, input: Params) => unknown;

/** Every control endpoint, `METHOD /_sim/<path>`; GETs read query parameters, POSTs a JSON body. */
export function controlRoutes(reset: () => void): Record<string, Handler> {
  return {
    'POST /_sim/workspaces': createWorkspace,
    'POST /_sim/users': createUser,
    'POST /_sim/apps': createApp,
    'POST /_sim/apps/update': updateApp,
    'POST /_sim/apps/bot-token': issueBotToken,
    'POST /_sim/apps/app-token': issueAppToken,
    'POST /_sim/tokens/revoke': revokeToken,
    'POST /_sim/actions/direct-message': sendDirectMessage,
    'POST /_sim/actions/post': postAsUser,
    'POST /_sim/actions/edit': editAsUser,
    'POST /_sim/actions/delete': deleteAsUser,
    'POST /_sim/actions/share-file': shareFile,
    'POST /_sim/actions/slash-command': runSlashCommand,
    'POST /_sim/actions/click-button': clickButton,
    'POST /_sim/actions/choose-option': chooseOption,
    'POST /_sim/actions/url-verification': sendUrlVerification,
    'POST /_sim/actions/raw-event': sendRawEvent,
    'POST /_sim/actions/archive-channel': archiveChannelAction,
    'POST /_sim/actions/unarchive-channel': unarchiveChannelAction,
    'POST /_sim/actions/delete-channel': deleteChannelAction,
    'POST /_sim/actions/remove-from-channel': removeFromChannelAction,
    'GET /_sim/messages': messages,
    'GET /_sim/conversation': conversationInfo,
    'GET /_sim/conversation-view': conversationView,
    'GET /_sim/channel-by-name': channelByName,
    'GET /_sim/dm-channel': dmChannel,
    'GET /_sim/ephemerals': ephemerals,
    'GET /_sim/response-url-replies': responseUrlReplies,
    'GET /_sim/files': files,
    'GET /_sim/deliveries': deliveries,
    'GET /_sim/state': overview,
    'GET /_sim/workspaces-overview': workspacesOverview,
    'GET /_sim/socket/connections': socketConnections,
    'POST /_sim/socket/disconnect': disconnectSockets,
    'POST /_sim/socket/drop': dropSockets,
    'POST /_sim/event-retries': eventRetries,
    'POST /_sim/faults': fault,
    'DELETE /_sim/faults': clearFaults,
    'POST /_sim/rate-limits': rateLimits,
    'POST /_sim/reset': () => {
      reset();
      return {};
    },
  };
}

export async function handleControl(ctx: SimContext, routes: Record<string, Handler>, req: IncomingMessage,
  res: ServerResponse, url: URL): Promise<void> {
  const handler = routes[`${req.method ?? 'GET'} ${url.pathname.replace(/\/$/, '')}`];
  try {
    const raw = (await readBody(req)).toString('utf8');
    if (!handler) throw new ControlError(404, `no control endpoint ${req.method} ${url.pathname}`);
    let input: Params = Object.fromEntries(url.searchParams);
    if (req.method === 'POST' && raw.trim()) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw new ControlError(400, 'body must be JSON');
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new ControlError(400, 'body must be a JSON object');
      }
      input = parsed as Params;
    }
    const result = await handler(ctx, input);
    sendJson(res, 200, { ok: true, ...(result as object) });
  } catch (error) {
    if (error instanceof ControlError) {
      sendJson(res, error.status, { ok: false, error: error.message });
      return;
    }
    throw error;
  }
}
