import { create } from '@bufbuild/protobuf';
import type { ServiceImpl } from '@connectrpc/connect';
import {
  ArchiveChannelResponseSchema,
  ChannelSchema,
  CreateChannelResponseSchema,
  FindChannelResponseSchema,
  InviteToChannelResponseSchema,
  UnarchiveChannelResponseSchema,
  type SlackConnectionService,
} from '@megatron/contracts';
import type { ConversationsCreateResponse, ConversationsListResponse } from '@slack/web-api';
import { isSlackError } from '../slack/errors.js';
import { slackFor, type ActionDeps } from './action-deps.js';
import { invalid, required } from './input.js';

type ChannelActions = Pick<
  ServiceImpl<typeof SlackConnectionService>,
  'createChannel' | 'findChannel' | 'archiveChannel' | 'unarchiveChannel' | 'inviteToChannel'
>;

const LIST_PAGE_SIZE = 1000;

export function channelActions(deps: ActionDeps): ChannelActions {
  return {
    async createChannel(req, context) {
      const result = await slackFor(deps, context)<ConversationsCreateResponse>('conversations.create', {
        name: required(req.name, 'name'),
      });
      const channel = result.channel;
      return create(CreateChannelResponseSchema, {
        channel: create(ChannelSchema, { id: channel?.id ?? '', name: channel?.name ?? req.name, isArchived: channel?.is_archived ?? false }),
      });
    },

    async findChannel(req, context) {
      const name = required(req.name, 'name').replace(/^#/, '');
      const slack = slackFor(deps, context);
      let cursor = '';
      do {
        const page = await slack<ConversationsListResponse>('conversations.list', {
          types: 'public_channel,private_channel',
          limit: LIST_PAGE_SIZE,
          ...(cursor ? { cursor } : {}),
        });
        const found = page.channels?.find((channel) => channel.name === name);
        if (found) {
          return create(FindChannelResponseSchema, {
            channel: create(ChannelSchema, { id: found.id ?? '', name, isArchived: found.is_archived ?? false }),
          });
        }
        cursor = page.response_metadata?.next_cursor ?? '';
      } while (cursor);
      return create(FindChannelResponseSchema, {});
    },

    async archiveChannel(req, context) {
      const channel = required(req.channel, 'channel');
      try {
        await slackFor(deps, context)('conversations.archive', { channel }, { orderedChannel: channel });
        return create(ArchiveChannelResponseSchema, { alreadyArchived: false });
      } catch (error) {
        if (isSlackError(error, 'already_archived')) return create(ArchiveChannelResponseSchema, { alreadyArchived: true });
        throw error;
      }
    },

    async unarchiveChannel(req, context) {
      const channel = required(req.channel, 'channel');
      try {
        await slackFor(deps, context)('conversations.unarchive', { channel }, { orderedChannel: channel });
        return create(UnarchiveChannelResponseSchema, { alreadyUnarchived: false });
      } catch (error) {
        if (isSlackError(error, 'not_archived')) return create(UnarchiveChannelResponseSchema, { alreadyUnarchived: true });
        throw error;
      }
    },

    async inviteToChannel(req, context) {
      const channel = required(req.channel, 'channel');
      const users = req.users.map((user) => user.trim()).filter(Boolean);
      if (users.length === 0) throw invalid('users needs at least one user id');
      try {
        await slackFor(deps, context)('conversations.invite', { channel, users: users.join(',') }, { orderedChannel: channel });
      } catch (error) {
        // Slack only answers already_in_channel when every invitee is a member already: the goal is met.
        if (!isSlackError(error, 'already_in_channel')) throw error;
      }
      return create(InviteToChannelResponseSchema, {});
    },
  };
}
