import { create } from '@bufbuild/protobuf';
import type { ServiceImpl } from '@connectrpc/connect';
import {
  ClearContextResponseSchema,
  CloseEngagementResponseSchema,
  DeleteResponseSchema,
  EditResponseSchema,
  GetEngagementResponseSchema,
  IncomingResponseSchema,
  NotifyUserResponseSchema,
  OpenEngagementResponseSchema,
  OutgoingResponseSchema,
  PauseCustomerResponseSchema,
  UnpauseCustomerResponseSchema,
  type MegatronService,
} from '@megatron/contracts';
import type { TakeoverContext } from '../takeover/context.js';
import { clearContextForApi, closeForApi, getForApi, getLogForApi, listForApi, openForApi, pauseForApi } from './handlers/engagements.js';
import { broadcast, getBroadcastResults, reportFeedback } from './handlers/broadcasts.js';
import { getAHuman, notifyUser, registerWorkspace, sendMessage } from './handlers/messaging.js';
import { mirrorDelete, mirrorEdit, mirrorMessage } from './handlers/mirror.js';

/**
 * The integrating-app API; every handler acts for the organization the auth interceptor put on the
 * context, and domain errors become codes at the error edge (error-edge.ts).
 */
export function megatronService(ctx: TakeoverContext): ServiceImpl<typeof MegatronService> {
  return {
    incoming: async (req, context) => create(IncomingResponseSchema, { result: await mirrorMessage(ctx, context, req.message, false) }),
    outgoing: async (req, context) => create(OutgoingResponseSchema, { result: await mirrorMessage(ctx, context, req.message, true) }),
    edit: async (req, context) => create(EditResponseSchema, { result: await mirrorEdit(ctx, context, req.message) }),
    delete: async (req, context) => create(DeleteResponseSchema, { deleted: await mirrorDelete(ctx, context, req.message) }),
    broadcast: (req, context) => broadcast(ctx, context, req),
    reportFeedback: (req, context) => reportFeedback(ctx, context, req),
    getBroadcastResults: (req, context) => getBroadcastResults(ctx, context, req),
    sendMessage: (req, context) => sendMessage(ctx, context, req),
    notifyUser: async (req, context) => {
      await notifyUser(ctx, context, req);
      return create(NotifyUserResponseSchema, {});
    },
    getAHuman: (req, context) => getAHuman(ctx, context, req),
    registerWorkspace: (req, context) => registerWorkspace(ctx, context, req),
    openEngagement: async (req, context) => create(OpenEngagementResponseSchema, { engagement: await openForApi(ctx, context, req.customer, req.agentUserId) }),
    closeEngagement: async (req, context) => create(CloseEngagementResponseSchema, { engagement: await closeForApi(ctx, context, req.customer) }),
    pauseCustomer: async (req, context) => create(PauseCustomerResponseSchema, { engagement: await pauseForApi(ctx, context, req.customer, true) }),
    unpauseCustomer: async (req, context) => create(UnpauseCustomerResponseSchema, { engagement: await pauseForApi(ctx, context, req.customer, false) }),
    clearContext: async (req, context) => {
      await clearContextForApi(ctx, context, req.customer);
      return create(ClearContextResponseSchema, {});
    },
    listEngagements: (req, context) => listForApi(ctx, context, req),
    getEngagement: async (req, context) => create(GetEngagementResponseSchema, { engagement: await getForApi(ctx, context, req.key) }),
    getEngagementLog: (req, context) => getLogForApi(ctx, context, req),
  };
}
