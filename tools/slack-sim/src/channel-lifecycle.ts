import type { SimContext } from './context.js';
import { broadcastToChannelApps, deliverEvent, newEventId } from './events.js';
import type { AppRecord, ConversationRecord } from './state.js';

/** Who did it: a person or an app's bot user, and the app when its own token acted (it hears about it too). */
export interface Actor { userId: string; app?: AppRecord }

// Private channels have their own event names: group_archive, group_left, ... (docs.slack.dev/reference/events/group_archive).
function eventType(conv: ConversationRecord, what: 'archive' | 'unarchive' | 'deleted' | 'left' | 'rename'): string {
  return `${conv.is_private ? 'group' : 'channel'}_${what}`;
}

function changed(ctx: SimContext, conv: ConversationRecord): void {
  ctx.state.feed.publish('channel', { channel: conv.id, teamId: conv.team });
}

function also(actor: Actor): AppRecord[] {
  return actor.app ? [actor.app] : [];
}

export async function archiveChannel(ctx: SimContext, conv: ConversationRecord, actor: Actor): Promise<string> {
  conv.is_archived = true;
  changed(ctx, conv);
  return broadcastToChannelApps(ctx, conv, { type: eventType(conv, 'archive'), channel: conv.id, user: actor.userId,
    event_ts: ctx.state.looseTs() }, also(actor));
}

export async function unarchiveChannel(ctx: SimContext, conv: ConversationRecord, actor: Actor): Promise<string> {
  conv.is_archived = false;
  changed(ctx, conv);
  return broadcastToChannelApps(ctx, conv, { type: eventType(conv, 'unarchive'), channel: conv.id,
    user: actor.userId, event_ts: ctx.state.looseTs() }, also(actor));
}

export async function renameChannel(ctx: SimContext, conv: ConversationRecord, name: string, actor: Actor):
Promise<string> {
  conv.name = name;
  changed(ctx, conv);
  return broadcastToChannelApps(ctx, conv, { type: eventType(conv, 'rename'),
    channel: { id: conv.id, name, name_normalized: name, created: conv.created }, event_ts: ctx.state.looseTs() },
  also(actor));
}

/** The channel is gone for good: its member apps hear `channel_deleted`, then it leaves the simulator's state. */
export async function deleteChannel(ctx: SimContext, conv: ConversationRecord, actor: Actor): Promise<string> {
  const sent = broadcastToChannelApps(ctx, conv, { type: eventType(conv, 'deleted'), channel: conv.id,
    actor_id: actor.userId, event_ts: ctx.state.looseTs() }, also(actor));
  ctx.state.conversations.delete(conv.id);
  changed(ctx, conv);
  return sent;
}

/**
 * Someone is removed from a channel (conversations.kick). The apps still in it hear `member_left_channel`; a
 * removed bot's own app hears `channel_left` instead.
 */
export async function removeMember(ctx: SimContext, conv: ConversationRecord, userId: string, actor: Actor):
Promise<string> {
  conv.members.delete(userId);
  changed(ctx, conv);
  const removedApp = ctx.state.appByBotUser(userId);
  const eventTs = ctx.state.looseTs();
  const eventId = await broadcastToChannelApps(ctx, conv, { type: 'member_left_channel', user: userId,
    channel: conv.id, channel_type: conv.is_private ? 'G' : 'C', team: conv.team, event_ts: eventTs },
  also(actor).filter((a) => a !== removedApp));
  if (removedApp && removedApp.teamId === conv.team) {
    await deliverEvent(ctx, removedApp, { type: eventType(conv, 'left'), channel: conv.id, actor_id: actor.userId,
      event_ts: eventTs }, newEventId());
  }
  return eventId;
}
