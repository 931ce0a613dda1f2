import { ChannelLoss, CommandOrigin, type Command } from '@megatron/contracts';
import { newCommand, type CommandKind } from '../command.js';
import { arrayAt, isBotMessage, isObject, objectAt, slackFileFromJson, stringAt, type JsonObject } from '@megatron/runtime';
import { RequestError } from '../request-error.js';

export type EventDecision =
  | { kind: 'challenge'; challenge: string }
  | { kind: 'ignored'; reason: string }
  | { kind: 'command'; eventId: string; command: Command };

type AgentEvent = { kind: CommandKind; userId: string } | { ignored: string };

/**
 * Slack's ways of telling an app that a channel it is in went away or that someone left it (public and
 * private channels; the app subscribes to them in its manifest). command-core decides what they mean.
 */
const CHANNEL_LOSSES: Record<string, ChannelLoss | undefined> = {
  channel_archive: ChannelLoss.ARCHIVED,
  group_archive: ChannelLoss.ARCHIVED,
  channel_deleted: ChannelLoss.DELETED,
  group_deleted: ChannelLoss.DELETED,
  member_left_channel: ChannelLoss.BOT_REMOVED,
  channel_left: ChannelLoss.BOT_REMOVED,
  group_left: ChannelLoss.BOT_REMOVED,
};

const files = (message: unknown) => arrayAt(message, 'files').filter(isObject).map(slackFileFromJson);

const TS = /^\d{1,10}(\.\d{1,6})?$/;

/** A message's text: absent is empty, anything but a string is a malformed event (never forwarded as an empty DM). */
function textAt(message: JsonObject | undefined, path: string): string {
  const value = message?.text;
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new RequestError(400, `${path}.text must be a string`);
  return value;
}

function tsAt(message: JsonObject | undefined, key: string, path: string): string {
  const value = message?.[key];
  if (typeof value !== 'string' || !TS.test(value)) throw new RequestError(400, `${path}.${key} must be a Slack ts like 1732700000.123456`);
  return value;
}

/**
 * Thread replies in an engagement channel are the agents' internal notes (SPEC §11): never forwarded, nor
 * their files, edits and deletes. A reply also sent to the channel (`thread_broadcast`) is a message like
 * any other; a thread's parent is a top-level message (its thread_ts is its own ts).
 */
function isInternalNote(message: JsonObject | undefined): boolean {
  const threadTs = stringAt(message, 'thread_ts');
  return threadTs !== undefined && threadTs !== stringAt(message, 'ts') && stringAt(message, 'subtype') !== 'thread_broadcast';
}

function agentEvent(event: JsonObject, channelId: string): AgentEvent {
  if (isBotMessage(event)) return { ignored: 'bot message' };
  if (isInternalNote(event)) return { ignored: 'internal note (thread reply)' };
  const subtype = stringAt(event, 'subtype');
  const userId = stringAt(event, 'user') ?? '';
  switch (subtype) {
    case undefined:
    case 'thread_broadcast': {
      const text = textAt(event, 'event');
      const ts = tsAt(event, 'ts', 'event');
      return { kind: { case: 'message', value: { channelId, userId, text, ts, threadTs: stringAt(event, 'thread_ts') ?? '', files: files(event) } }, userId };
    }
    case 'file_share':
      return { kind: { case: 'fileShare', value: { channelId, userId, text: textAt(event, 'event'), ts: tsAt(event, 'ts', 'event'), files: files(event) } }, userId };
    case 'message_changed': {
      const message = objectAt(event, 'message');
      if (isBotMessage(message)) return { ignored: 'bot message edited' };
      // Unfurls also arrive as message_changed; only a real edit carries `edited`.
      if (!objectAt(message, 'edited')) return { ignored: 'change without an edit' };
      if (isInternalNote(message)) return { ignored: 'internal note edited' };
      const editor = stringAt(message, 'user') ?? '';
      return {
        kind: { case: 'messageChanged', value: { channelId, userId: editor, ts: tsAt(message, 'ts', 'event.message'), text: textAt(message, 'event.message'), files: files(message) } },
        userId: editor,
      };
    }
    case 'message_deleted': {
      const previous = objectAt(event, 'previous_message');
      if (isBotMessage(previous)) return { ignored: 'bot message deleted' };
      if (isInternalNote(previous)) return { ignored: 'internal note deleted' };
      return { kind: { case: 'messageDeleted', value: { channelId, deletedTs: tsAt(event, 'deleted_ts', 'event') } }, userId: stringAt(previous, 'user') ?? '' };
    }
    default:
      return { ignored: `message subtype ${subtype}` };
  }
}

/**
 * What an Events API body asks of Megatron. `isEngagementChannel` answers from memory, so chatter
 * in any other channel is dropped before anything else is looked at.
 */
export function eventToDecision(body: JsonObject, receivedAtMs: number, isEngagementChannel: (channelId: string) => boolean): EventDecision {
  const type = stringAt(body, 'type');
  if (type === 'url_verification') {
    const challenge = stringAt(body, 'challenge');
    if (!challenge) throw new RequestError(400, 'url_verification without a challenge');
    return { kind: 'challenge', challenge };
  }
  if (type !== 'event_callback') return { kind: 'ignored', reason: `envelope type ${type ?? 'missing'}` };
  const eventId = stringAt(body, 'event_id');
  const event = objectAt(body, 'event');
  if (!eventId || !event) throw new RequestError(400, 'event_callback without event_id or event');
  const eventType = stringAt(event, 'type') ?? 'missing';
  const loss = CHANNEL_LOSSES[eventType];
  if (eventType !== 'message' && loss === undefined) return { kind: 'ignored', reason: `event type ${eventType}` };
  const channelId = stringAt(event, 'channel') ?? '';
  if (!isEngagementChannel(channelId)) return { kind: 'ignored', reason: 'not an engagement channel' };
  const userId = stringAt(event, 'user') ?? '';
  const decoded: AgentEvent = loss === undefined ? agentEvent(event, channelId) : { kind: { case: 'channelGone', value: { channelId, userId, how: loss } }, userId };
  if ('ignored' in decoded) return { kind: 'ignored', reason: decoded.ignored };
  const command = newCommand({
    id: `event:${eventId}`,
    receivedAtMs,
    origin: CommandOrigin.EVENT,
    context: {
      teamId: stringAt(body, 'team_id') ?? '',
      enterpriseId: stringAt(body, 'enterprise_id') ?? '',
      apiAppId: stringAt(body, 'api_app_id') ?? '',
      channelId,
      userId: decoded.userId,
      eventId,
    },
    kind: decoded.kind,
  });
  return { kind: 'command', eventId, command };
}
