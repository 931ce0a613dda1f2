import type { HandlerContext } from '@connectrpc/connect';
import type { MirrorResult, ReportedMessage } from '@megatron/contracts';
import type { TakeoverContext } from '../../takeover/context.js';
import { mirrorCustomerEdit, mirrorCustomerMessage } from '../../takeover/customer-messages.js';
import { require, requireField } from '../validation.js';
import { apiActor } from './api-actor.js';

function reported(message: ReportedMessage | undefined): ReportedMessage {
  const given = require(message, 'message');
  requireField(given.userId, 'message.user_id');
  requireField(given.ts, 'message.ts');
  return given;
}

/** Incoming (fromBot false) and Outgoing (fromBot true): a customer's or the bot's message, mirrored. */
export async function mirrorMessage(ctx: TakeoverContext, context: HandlerContext, message: ReportedMessage | undefined, fromBot: boolean): Promise<MirrorResult> {
  const checked = reported(message);
  return mirrorCustomerMessage(ctx, await apiActor(ctx, context), checked, fromBot);
}

export async function mirrorEdit(ctx: TakeoverContext, context: HandlerContext, message: ReportedMessage | undefined): Promise<MirrorResult> {
  const checked = reported(message);
  return mirrorCustomerEdit(ctx, await apiActor(ctx, context), checked);
}
