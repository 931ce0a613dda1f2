import type { AppRecord } from './state.js';

// A message event's subscription is named for the conversation type (docs.slack.dev/reference/events/message.channels).
const MESSAGE_SUBSCRIPTIONS: Record<string, string> = {
  channel: 'message.channels', group: 'message.groups', im: 'message.im', mpim: 'message.mpim',
};

/**
 * Whether the app subscribed to this event. An app that declared nothing gets everything, which is how the
 * simulator behaved before subscriptions existed. `message` in the list stands for all four message.* names.
 */
export function subscribes(app: AppRecord, event: Record<string, unknown>): boolean {
  if (!app.events) return true;
  const type = typeof event.type === 'string' ? event.type : '';
  if (app.events.includes(type)) return true;
  if (type !== 'message' || typeof event.channel_type !== 'string') return false;
  const name = MESSAGE_SUBSCRIPTIONS[event.channel_type];
  return name !== undefined && app.events.includes(name);
}
