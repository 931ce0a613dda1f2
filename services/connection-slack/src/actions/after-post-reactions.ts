import type { Logger } from '@megatron/runtime';
import { CallDeadline } from '../rpc/call-deadline.js';
import { isSlackError } from '../slack/errors.js';
import type { SlackCaller } from '../slack/slack-caller.js';
import type { CallSlack } from './action-deps.js';

export interface Reaction {
  channel: string;
  ts: string;
  name: string;
}

/** reactions.add, where a reaction already there counts as done. */
export async function addReaction(callSlack: CallSlack, reaction: Reaction): Promise<void> {
  try {
    await callSlack('reactions.add', { channel: reaction.channel, timestamp: reaction.ts, name: reaction.name });
  } catch (error) {
    if (!isSlackError(error, 'already_reacted')) throw error;
  }
}

/** reactions.add sits in Slack's tier 3 (50 a minute): a receipt may wait out a Retry-After or two. */
const RECEIPT_DEADLINE_MS = 120_000;

/**
 * Receipts that ride on a post (PostMessageRequest.receipt): added once the post succeeded, after its answer,
 * so they never delay or fail a forward. Rate limits are waited out within RECEIPT_DEADLINE_MS; at most
 * `maxInFlight` wait at once, beyond that a receipt is dropped with a warning rather than holding memory; a
 * process that stops loses the receipts still waiting.
 */
export class AfterPostReactions {
  private inFlight = 0;

  constructor(
    private readonly slack: SlackCaller,
    private readonly logger: Logger,
    private readonly maxInFlight = 10_000,
  ) {}

  add(token: string, reaction: Reaction): void {
    if (this.inFlight >= this.maxInFlight) {
      this.logger.warn({ channel: reaction.channel, ts: reaction.ts }, 'receipt dropped: too many waiting');
      return;
    }
    this.inFlight += 1;
    const deadline = CallDeadline.in(RECEIPT_DEADLINE_MS);
    addReaction((method, args) => this.slack.call({ token, method, args, deadline }), reaction)
      .catch((error: unknown) => this.logger.warn({ err: error, channel: reaction.channel, ts: reaction.ts }, 'receipt not added'))
      .finally(() => {
        this.inFlight -= 1;
      });
  }
}
