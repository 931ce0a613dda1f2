import type { SimContext } from '../context.js';
import { broadcastToChannelApps } from '../events.js';
import { touchMessage } from '../messaging.js';
import type { ConversationRecord, PinRecord } from '../state.js';
import type { SimMessage } from '../types.js';
import { type ApiCall, type MethodHandler, requireConversation } from './call.js';
import { SlackApiError } from './errors.js';
import { targetMessage } from './reactions.js';
import { messageForApi, permalink } from './shapes.js';

/** A pinned item as pins.list and pin events show it. */
function pinItem(ctx: SimContext, conv: ConversationRecord, message: SimMessage, pin: PinRecord):
Record<string, unknown> {
  return { type: 'message', created: pin.created, created_by: pin.createdBy, channel: conv.id,
    message: { ...messageForApi(message, false), permalink: permalink(ctx, conv, message.ts) } };
}

async function announce(call: ApiCall, conv: ConversationRecord, message: SimMessage, pin: PinRecord,
  type: 'pin_added' | 'pin_removed'): Promise<void> {
  call.ctx.state.feed.publish('pin', { channel: conv.id, teamId: conv.team });
  await broadcastToChannelApps(call.ctx, conv, { type, user: call.token.userId, channel_id: conv.id,
    item: pinItem(call.ctx, conv, message, pin), ...(message.user ? { item_user: message.user } : {}),
    pin_count: conv.pins.size, pinned_info: { channel: conv.id, pinned_by: pin.createdBy, pinned_ts: pin.created },
    ...(type === 'pin_removed' ? { has_pins: conv.pins.size > 0 } : {}), event_ts: call.ctx.state.looseTs() });
}

const add: MethodHandler = async (call) => {
  const { conv, message } = targetMessage(call, true);
  if (conv.is_archived) throw new SlackApiError('is_archived');
  if (conv.pins.has(message.ts)) throw new SlackApiError('already_pinned');
  const pin = { created: call.ctx.state.nowSeconds(), createdBy: call.token.userId };
  conv.pins.set(message.ts, pin);
  const pinned = touchMessage(call.ctx, conv, message.ts, (m) => ({ ...m,
    pinned_to: [...(m.pinned_to ?? []).filter((c) => c !== conv.id), conv.id] })) ?? message;
  await announce(call, conv, pinned, pin, 'pin_added');
  return {};
};

const remove: MethodHandler = async (call) => {
  const { conv, message } = targetMessage(call, true);
  const pin = conv.pins.get(message.ts);
  if (!pin) throw new SlackApiError('no_pin');
  conv.pins.delete(message.ts);
  const unpinned = touchMessage(call.ctx, conv, message.ts, (m) => {
    const { pinned_to: pinnedTo, ...rest } = m;
    const left = (pinnedTo ?? []).filter((c) => c !== conv.id);
    return left.length > 0 ? { ...rest, pinned_to: left } : rest;
  }) ?? message;
  await announce(call, conv, unpinned, pin, 'pin_removed');
  return {};
};

const list: MethodHandler = (call) => {
  const conv = requireConversation(call);
  const items = [...conv.pins.entries()].reverse()
    .map(([ts, pin]) => ({ pin, message: call.ctx.state.findMessage(conv, ts) }))
    .filter((entry): entry is { pin: PinRecord; message: SimMessage } => entry.message !== undefined)
    .sort((a, b) => b.pin.created - a.pin.created)
    .map(({ pin, message }) => pinItem(call.ctx, conv, message, pin));
  return { items };
};

export const pinMethods: Record<string, MethodHandler> = {
  'pins.add': add,
  'pins.remove': remove,
  'pins.list': list,
};
