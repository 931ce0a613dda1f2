import { create } from '@bufbuild/protobuf';
import type { ServiceImpl } from '@connectrpc/connect';
import {
  AddReactionResponseSchema,
  DeleteMessageResponseSchema,
  GetHistoryResponseSchema,
  HistoryMessageSchema,
  MessageMetadataSchema,
  OpenDirectMessageResponseSchema,
  PinMessageResponseSchema,
  PostEphemeralResponseSchema,
  PostMessageResponseSchema,
  RemoveReactionResponseSchema,
  SlackFileSchema,
  UpdateMessageResponseSchema,
  type MessageMetadata,
  type SlackConnectionService,
} from '@megatron/contracts';
import type {
  ChatPostEphemeralResponse,
  ChatPostMessageResponse,
  ChatUpdateResponse,
  ConversationsHistoryResponse,
  ConversationsOpenResponse,
} from '@slack/web-api';
import { slackFileFromJson } from '@megatron/runtime';
import { isSlackError } from '../slack/errors.js';
import { sourceToken } from '../rpc/context-keys.js';
import { slackFor, type ActionDeps } from './action-deps.js';
import { addReaction } from './after-post-reactions.js';
import { invalid, messageArgs, required } from './input.js';

type MessageActions = Pick<
  ServiceImpl<typeof SlackConnectionService>,
  'postMessage' | 'postEphemeral' | 'updateMessage' | 'deleteMessage' | 'pinMessage' | 'addReaction' | 'removeReaction' | 'openDirectMessage' | 'getHistory'
>;

const HISTORY_MAX = 1000;
const SLACK_TS = /^\d{1,12}\.\d{6}$/;
const EVENT_TYPE = /^[a-z0-9_]{1,255}$/;

/** Slack's `metadata` argument; event_type is a lowercase identifier and the payload an object (docs.slack.dev/messaging/message-metadata). */
function metadataArg(metadata: MessageMetadata): { event_type: string; event_payload: unknown } {
  if (!EVENT_TYPE.test(metadata.eventType)) throw invalid('metadata.event_type must be lowercase letters, digits and underscores');
  let payload: unknown;
  try {
    payload = JSON.parse(metadata.eventPayloadJson || '{}');
  } catch (error) {
    throw invalid(`metadata.event_payload_json is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw invalid('metadata.event_payload_json must be a JSON object');
  return { event_type: metadata.eventType, event_payload: payload };
}

export function messageActions(deps: ActionDeps): MessageActions {
  return {
    async postMessage(req, context) {
      const channel = required(req.channel, 'channel');
      const args = {
        channel,
        ...messageArgs(req.content),
        ...(req.username ? { username: req.username } : {}),
        ...(req.iconUrl ? { icon_url: req.iconUrl } : {}),
        ...(req.iconEmoji ? { icon_emoji: req.iconEmoji } : {}),
        ...(req.threadTs ? { thread_ts: req.threadTs } : {}),
        ...(req.metadata ? { metadata: metadataArg(req.metadata) } : {}),
      };
      // Checked before the post: a receipt that cannot be added is the caller's mistake, not Slack's.
      const receipt = req.receipt && {
        reaction: { channel: required(req.receipt.channel, 'receipt.channel'), ts: required(req.receipt.ts, 'receipt.ts'), name: required(req.receipt.name, 'receipt.name') },
        token: sourceToken(context),
      };
      const result = await slackFor(deps, context)<ChatPostMessageResponse>('chat.postMessage', args, { orderedChannel: channel });
      if (receipt) deps.receipts.add(receipt.token, receipt.reaction);
      return create(PostMessageResponseSchema, { channel: result.channel ?? channel, ts: result.ts ?? '' });
    },

    async postEphemeral(req, context) {
      const channel = required(req.channel, 'channel');
      const args = { channel, user: required(req.user, 'user'), ...messageArgs(req.content) };
      const result = await slackFor(deps, context)<ChatPostEphemeralResponse>('chat.postEphemeral', args, {
        orderedChannel: channel,
      });
      return create(PostEphemeralResponseSchema, { messageTs: result.message_ts ?? '' });
    },

    async pinMessage(req, context) {
      const channel = required(req.channel, 'channel');
      try {
        await slackFor(deps, context)('pins.add', { channel, timestamp: required(req.ts, 'ts') });
      } catch (error) {
        if (!isSlackError(error, 'already_pinned')) throw error;
      }
      return create(PinMessageResponseSchema, {});
    },

    async addReaction(req, context) {
      const channel = required(req.channel, 'channel');
      await addReaction(slackFor(deps, context), { channel, ts: required(req.ts, 'ts'), name: required(req.name, 'name') });
      return create(AddReactionResponseSchema, {});
    },

    async removeReaction(req, context) {
      const channel = required(req.channel, 'channel');
      try {
        await slackFor(deps, context)('reactions.remove', { channel, timestamp: required(req.ts, 'ts'), name: required(req.name, 'name') });
      } catch (error) {
        if (!isSlackError(error, 'no_reaction')) throw error;
      }
      return create(RemoveReactionResponseSchema, {});
    },

    async updateMessage(req, context) {
      const channel = required(req.channel, 'channel');
      const args = { channel, ts: required(req.ts, 'ts'), ...messageArgs(req.content) };
      const result = await slackFor(deps, context)<ChatUpdateResponse>('chat.update', args, { orderedChannel: channel });
      return create(UpdateMessageResponseSchema, { channel: result.channel ?? channel, ts: result.ts ?? args.ts });
    },

    async deleteMessage(req, context) {
      const channel = required(req.channel, 'channel');
      await slackFor(deps, context)('chat.delete', { channel, ts: required(req.ts, 'ts') }, { orderedChannel: channel });
      return create(DeleteMessageResponseSchema, {});
    },

    async openDirectMessage(req, context) {
      const user = required(req.user, 'user');
      const result = await slackFor(deps, context)<ConversationsOpenResponse>('conversations.open', { users: user });
      return create(OpenDirectMessageResponseSchema, { channel: result.channel?.id ?? '' });
    },

    async getHistory(req, context) {
      const channel = required(req.channel, 'channel');
      if (req.limit < 0 || req.limit > HISTORY_MAX) throw invalid(`limit must be between 1 and ${HISTORY_MAX} (0 for Slack's default)`);
      if (req.oldest && !SLACK_TS.test(req.oldest)) throw invalid('oldest must be a Slack timestamp like 1712345678.000100');
      const args = { channel, include_all_metadata: true, ...(req.limit ? { limit: req.limit } : {}), ...(req.oldest ? { oldest: req.oldest } : {}) };
      const result = await slackFor(deps, context)<ConversationsHistoryResponse>('conversations.history', args);
      const messages = (result.messages ?? []).map((message) =>
        create(HistoryMessageSchema, {
          ts: message.ts ?? '',
          user: message.user ?? '',
          botId: message.bot_id ?? '',
          subtype: message.subtype ?? '',
          text: message.text ?? '',
          files: (message.files ?? []).map((file) => create(SlackFileSchema, slackFileFromJson({ ...file }))),
          attachmentsJson: message.attachments?.length ? JSON.stringify(message.attachments) : '',
          ...(message.metadata?.event_type
            ? { metadata: create(MessageMetadataSchema, { eventType: message.metadata.event_type, eventPayloadJson: JSON.stringify(message.metadata.event_payload ?? {}) }) }
            : {}),
        }),
      );
      return create(GetHistoryResponseSchema, { messages });
    },
  };
}
