import type { HandlerContext } from '@connectrpc/connect';
import type { MirrorResult, ReportedMessage } from '@megatron/contracts';
import type { TakeoverContext } from '../../takeover/context.js';
import { mirrorCustomerDelete, mirrorCustomerEdit, mirrorCustomerMessage } from '../../takeover/customer-messages.js';
import { requireReported } from '../validation.js';
import { apiActor } from './api-actor.js';

/** Incoming (fromBot false) and Outgoing (fromBot true): a customer's or the bot's message, mirrored. */
export async function mirrorMessage(ctx: TakeoverContext, context: HandlerContext, message: ReportedMessage | undefined, fromBot: boolean): Promise<MirrorResult> {
  const checked = requireReported(message);
  return mirrorCustomerMessage(ctx, await apiActor(ctx, context), checked, fromBot);
}

export async function mirrorEdit(ctx: TakeoverContext, context: HandlerContext, message: ReportedMessage | undefined): Promise<MirrorResult> {
  const checked = requireReported(message);
  return mirrorCustomerEdit(ctx, await apiActor(ctx, context), checked);
}

/** Delete: true when the call removed the message's mirror from the customer's open engagement channel. */
export async function mirrorDelete(ctx: TakeoverContext, context: HandlerContext, message: ReportedMessage | undefined): Promise<boolean> {
  const checked = requireReported(message);
  return mirrorCustomerDelete(ctx, await apiActor(ctx, context), checked);
}
