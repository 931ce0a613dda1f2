import { create } from '@bufbuild/protobuf';
import type { ServiceImpl } from '@connectrpc/connect';
import {
  ClearContextResponseSchema,
  CloseEngagementResponseSchema,
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
import { guard } from './handlers/api-actor.js';
import { clearContextForApi, closeForApi, getForApi, listForApi, openForApi, pauseForApi } from './handlers/engagements.js';
import { broadcast, getAHuman, notifyUser, registerWorkspace, sendMessage } from './handlers/messaging.js';
import { mirrorEdit, mirrorMessage } from './handlers/mirror.js';

/** The integrating-app API; every handler acts for the organization the auth interceptor put on the context. */
export function megatronService(ctx: TakeoverContext): ServiceImpl<typeof MegatronService> {
  return {
    incoming: (req, context) => guard(async () => create(IncomingResponseSchema, { result: await mirrorMessage(ctx, context, req.message, false) })),
    outgoing: (req, context) => guard(async () => create(OutgoingResponseSchema, { result: await mirrorMessage(ctx, context, req.message, true) })),
    edit: (req, context) => guard(async () => create(EditResponseSchema, { result: await mirrorEdit(ctx, context, req.message) })),
    broadcast: (req, context) => guard(() => broadcast(ctx, context, req)),
    sendMessage: (req, context) => guard(() => sendMessage(ctx, context, req)),
    notifyUser: (req, context) =>
      guard(async () => {
        await notifyUser(ctx, context, req);
        return create(NotifyUserResponseSchema, {});
      }),
    getAHuman: (req, context) => guard(() => getAHuman(ctx, context, req)),
    registerWorkspace: (req, context) => guard(() => registerWorkspace(ctx, context, req)),
    openEngagement: (req, context) => guard(async () => create(OpenEngagementResponseSchema, { engagement: await openForApi(ctx, context, req.customer, req.agentUserId) })),
    closeEngagement: (req, context) => guard(async () => create(CloseEngagementResponseSchema, { engagement: await closeForApi(ctx, context, req.customer) })),
    pauseCustomer: (req, context) => guard(async () => create(PauseCustomerResponseSchema, { engagement: await pauseForApi(ctx, context, req.customer, true) })),
    unpauseCustomer: (req, context) => guard(async () => create(UnpauseCustomerResponseSchema, { engagement: await pauseForApi(ctx, context, req.customer, false) })),
    clearContext: (req, context) =>
      guard(async () => {
        await clearContextForApi(ctx, context, req.customer);
        return create(ClearContextResponseSchema, {});
      }),
    listEngagements: (req, context) => guard(() => listForApi(ctx, context, req)),
    getEngagement: (req, context) => guard(async () => create(GetEngagementResponseSchema, { engagement: await getForApi(ctx, context, req.key) })),
  };
}
