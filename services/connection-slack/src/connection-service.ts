import type { ServiceImpl } from '@connectrpc/connect';
import type { SlackConnectionService } from '@megatron/contracts';
import type { ActionDeps } from './actions/action-deps.js';
import { broadcastActions } from './actions/broadcast.js';
import { channelActions } from './actions/channels.js';
import { fileActions, type FileRelaySettings } from './actions/files.js';
import { messageActions } from './actions/messages.js';
import { respondActions } from './actions/respond.js';
import { userActions } from './actions/users.js';

/** SlackConnectionService: every rpc, assembled from one file per action family. */
export function slackConnectionService(
  deps: ActionDeps,
  files: FileRelaySettings,
  broadcastConcurrency: number,
): ServiceImpl<typeof SlackConnectionService> {
  return {
    ...userActions(deps),
    ...messageActions(deps),
    ...channelActions(deps),
    ...respondActions(deps),
    ...fileActions(deps, files),
    ...broadcastActions(deps, broadcastConcurrency),
  };
}
