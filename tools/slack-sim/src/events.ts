import type { SimContext } from './context.js';
import { subscribes } from './event-subscriptions.js';
import { slackId } from './ids.js';
import type { AppRecord, ConversationRecord } from './state.js';
import type { SimDelivery, SimMessage } from './types.js';

export function newEventId(): string {
  return slackId('Ev', 10);
}

export function channelType(conv: ConversationRecord): 'im' | 'channel' | 'group' {
  if (conv.is_im) return 'im';
  return conv.is_private ? 'group' : 'channel';
}

/** The `event_callback` envelope Slack posts to an app's Request URL. */
export function eventEnvelope(ctx: SimContext, app: AppRecord, event: Record<string, unknown>, eventId: string):
Record<string, unknown> {
  return {
    token: app.verificationToken, team_id: app.teamId, context_team_id: app.teamId, context_enterprise_id: null,
    api_app_id: app.appId, event, type: 'event_callback', event_id: eventId, event_time: ctx.state.nowSeconds(),
    authorizations: [{ enterprise_id: null, team_id: app.teamId, user_id: app.botUserId, is_bot: true,
      is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${Buffer.from(`${app.teamId}:${eventId}`).toString('base64url')}`,
  };
}

/**
 * Sends an event to one app over its transport (HTTP or Socket Mode), if it subscribed to the event's type. Resolves
 * with the first attempt when `ctx.awaitEvents`, else at once (the attempt goes on; it is recorded all the same).
 */
export async function deliverEvent(ctx: SimContext, app: AppRecord, event: Record<string, unknown>, eventId: string,
  retryNum = 0): Promise<SimDelivery | undefined> {
  if (!subscribes(app, event) || (!app.socketMode && !app.eventsUrl)) return undefined;
  const body = eventEnvelope(ctx, app, event, eventId);
  const sent = ctx.deliverer.sendEvent({ kind: 'event', app, url: app.eventsUrl, rawBody: JSON.stringify(body),
    contentType: 'application/json', body, eventId }, retryNum);
  return ctx.awaitEvents ? sent : undefined;
}

export function memberApps(ctx: SimContext, conv: ConversationRecord): AppRecord[] {
  return [...ctx.state.apps.values()].filter((app) => app.teamId === conv.team && conv.members.has(app.botUserId));
}

/**
 * Slack sends channel events to every app whose bot is a member, the acting app included; `also` adds apps
 * that hear about it although their bot is not (or no longer) a member. Resolves with the event id.
 */
export async function broadcastToChannelApps(ctx: SimContext, conv: ConversationRecord,
  event: Record<string, unknown>, also: AppRecord[] = []): Promise<string> {
  const eventId = newEventId();
  const apps = new Set([...memberApps(ctx, conv), ...also]);
  await Promise.all([...apps].map((app) => deliverEvent(ctx, app, event, eventId)));
  return eventId;
}

/** Message events leave metadata out: apps read it with include_all_metadata (docs.slack.dev/messaging/message-metadata). */
function withoutMetadata(message: SimMessage): SimMessage {
  const { metadata: _metadata, ...rest } = message;
  return rest;
}

export function messageEvent(conv: ConversationRecord, message: SimMessage): Record<string, unknown> {
  return { ...withoutMetadata(message), channel: conv.id, event_ts: message.ts, channel_type: channelType(conv) };
}

export function messageChangedEvent(ctx: SimContext, conv: ConversationRecord, message: SimMessage,
  previous: SimMessage): Record<string, unknown> {
  const eventTs = ctx.state.nextTs(conv);
  return { type: 'message', subtype: 'message_changed', hidden: true, channel: conv.id,
    message: withoutMetadata(message), previous_message: withoutMetadata(previous), event_ts: eventTs, ts: eventTs,
    channel_type: channelType(conv) };
}

export function messageDeletedEvent(ctx: SimContext, conv: ConversationRecord, previous: SimMessage):
Record<string, unknown> {
  const eventTs = ctx.state.nextTs(conv);
  return { type: 'message', subtype: 'message_deleted', hidden: true, channel: conv.id, ts: eventTs,
    deleted_ts: previous.ts, event_ts: eventTs, previous_message: withoutMetadata(previous),
    channel_type: channelType(conv) };
}
