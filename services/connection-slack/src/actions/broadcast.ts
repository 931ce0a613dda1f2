import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import {
  BroadcastMessageResultSchema,
  BroadcastMessagesResponseSchema,
  FEEDBACK_ACTION_IDS,
  formatFeedbackValue,
  SLACK_ERROR_HEADER,
  type BroadcastMessageResult,
  type FeedbackVote,
  type SlackConnectionService,
} from '@megatron/contracts';
import { mapConcurrently } from '@megatron/runtime';
import type { ChatPostMessageResponse, ConversationsOpenResponse } from '@slack/web-api';
import { slackFor, type ActionDeps, type CallSlack } from './action-deps.js';
import { invalid, messageArgs, type SlackMessageArgs } from './input.js';

type BroadcastActions = Pick<ServiceImpl<typeof SlackConnectionService>, 'broadcastMessages'>;

const FEEDBACK_LABELS: Record<FeedbackVote, string> = { up: '👍', down: '👎' };

/** 👍 and 👎 side by side in one actions block; each value carries the broadcast id and the vote. */
function feedbackBlocks(broadcastId: string): unknown[] {
  const button = (vote: FeedbackVote) => ({
    type: 'button',
    action_id: FEEDBACK_ACTION_IDS[vote],
    text: { type: 'plain_text', text: FEEDBACK_LABELS[vote], emoji: true },
    value: formatFeedbackValue(broadcastId, vote),
  });
  return [{ type: 'actions', block_id: 'feedback', elements: [button('up'), button('down')] }];
}

function withFeedback(args: SlackMessageArgs, broadcastId: string): SlackMessageArgs {
  const body = args.blocks ?? (args.text ? [{ type: 'section', text: { type: 'mrkdwn', text: args.text } }] : []);
  return { ...args, blocks: [...body, ...feedbackBlocks(broadcastId)] };
}

function errorOf(error: unknown): string {
  const connectError = ConnectError.from(error);
  return connectError.metadata.get(SLACK_ERROR_HEADER) ?? `${Code[connectError.code]}: ${connectError.rawMessage}`;
}

async function sendOne(slack: CallSlack, user: string, args: SlackMessageArgs): Promise<BroadcastMessageResult> {
  try {
    const opened = await slack<ConversationsOpenResponse>('conversations.open', { users: user });
    const channel = opened.channel?.id;
    if (!channel) return create(BroadcastMessageResultSchema, { user, ok: false, error: 'conversations.open returned no channel' });
    const posted = await slack<ChatPostMessageResponse>('chat.postMessage', { channel, ...args }, { orderedChannel: channel });
    return create(BroadcastMessageResultSchema, { user, ok: true, channel, ts: posted.ts ?? '' });
  } catch (error) {
    return create(BroadcastMessageResultSchema, { user, ok: false, error: errorOf(error) });
  }
}

/**
 * DMs every user with at most `concurrency` users in flight; a 429 pauses every worker on that method
 * (slack-caller's shared gate). One user's failure is that user's result, never the whole broadcast's.
 */
export function broadcastActions(deps: ActionDeps, concurrency: number): BroadcastActions {
  return {
    async broadcastMessages(req, context) {
      const users = [...new Set(req.users.map((user) => user.trim()).filter(Boolean))];
      if (users.length === 0) throw invalid('users needs at least one user id');
      if (req.captureFeedback && !req.broadcastId.trim()) throw invalid('broadcast_id is required with capture_feedback');
      const base = messageArgs(req.content);
      const args = req.captureFeedback ? withFeedback(base, req.broadcastId.trim()) : base;
      const slack = slackFor(deps, context);
      const results = await mapConcurrently(users, concurrency, (user) => sendOne(slack, user, args));
      const failed = results.filter((result) => !result.ok).length;
      deps.logger.info({ users: users.length, failed, broadcastId: req.broadcastId }, 'broadcast done');
      return create(BroadcastMessagesResponseSchema, { results });
    },
  };
}
