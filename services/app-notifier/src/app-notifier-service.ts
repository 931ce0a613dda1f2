import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import {
  FoundUserSchema,
  RefreshWorkspaceResponseSchema,
  SearchUserResponseSchema,
  type AppNotifierService,
} from '@megatron/contracts';
import type { Logger } from '@megatron/runtime';
import { refreshWorkspaceBody, searchUserBody } from './app-command-body.js';
import { DeadLetterNotFoundError, type DeadLetterStore } from './dead-letters/dead-letter-store.js';
import type { NotifierMetrics } from './notifier-metrics.js';
import { refreshWorkspaceAnswer, searchUserAnswer } from './sync/answer-validation.js';
import { callApp, type SyncCallOptions } from './sync/call-app.js';

export interface ServiceOptions extends SyncCallOptions {
  deadLetters: DeadLetterStore;
  logger: Logger;
  metrics: NotifierMetrics;
}

const DEFAULT_LIST_LIMIT = 50;
const MAX_LIST_LIMIT = 500;

function required(value: string, field: string): string {
  if (value.trim() === '') throw new ConnectError(`${field} is required`, Code.InvalidArgument);
  return value;
}

export function appNotifierService(options: ServiceOptions): ServiceImpl<typeof AppNotifierService> {
  return {
    async searchUser(request, context) {
      const organizationId = required(request.organizationId, 'organization_id');
      const name = required(request.targetedUserName, 'targeted_user_name');
      const users = await callApp(options, 'search_user', organizationId, (e) => searchUserBody(name, e.verificationToken), searchUserAnswer, context.signal);
      return create(SearchUserResponseSchema, { users: users.map((user) => create(FoundUserSchema, user)) });
    },

    async refreshWorkspace(request, context) {
      const organizationId = required(request.organizationId, 'organization_id');
      const workspace = required(request.workspacePlatformId, 'workspace_platform_id');
      const answer = await callApp(
        options,
        'refresh_workspace',
        organizationId,
        (e) => refreshWorkspaceBody(workspace, e.verificationToken),
        refreshWorkspaceAnswer,
        context.signal,
      );
      return create(RefreshWorkspaceResponseSchema, answer);
    },

    async listDeadLetters(request) {
      if (request.limit < 0 || request.limit > MAX_LIST_LIMIT) {
        throw new ConnectError(`limit must be between 0 and ${MAX_LIST_LIMIT} (0 means ${DEFAULT_LIST_LIMIT})`, Code.InvalidArgument);
      }
      const deadLetters = await options.deadLetters.list(request.organizationId, request.limit || DEFAULT_LIST_LIMIT);
      return { deadLetters };
    },

    async replayDeadLetter(request) {
      if (request.sequence === 0n) throw new ConnectError('sequence is required', Code.InvalidArgument);
      if (request.sequence > BigInt(Number.MAX_SAFE_INTEGER)) throw new ConnectError('sequence is out of range', Code.InvalidArgument);
      try {
        const command = await options.deadLetters.replay(Number(request.sequence));
        options.metrics.replays.inc();
        options.logger.info({ commandId: command.id, organizationId: command.organizationId, sequence: String(request.sequence) }, 'dead letter replayed');
        return {};
      } catch (error) {
        if (error instanceof DeadLetterNotFoundError) throw new ConnectError(error.message, Code.NotFound);
        throw error;
      }
    },
  };
}
