import type { MessageContent, MessageMetadata, SlackFile } from '@megatron/contracts';
import { insertActionMessage } from '../db/action-messages.js';
import { deleteStep, insertStep, selectStep } from '../db/command-steps.js';
import { claimNotPausedWarning, recordFirstResponse, type EngagementRow } from '../db/engagements.js';
import { deleteLink, insertLinkAndTouch, selectLinkByIntegrationTs, selectLinkByKey } from '../db/message-links.js';
import type { Actor, TakeoverContext } from './context.js';
import { customerOfEngagement, ensureDm, type Customer } from './customers.js';
import { mayHaveLanded, RetryLater } from './errors.js';
import { forwardAttachments, filesNotSent, shareForwardFiles, type ForwardCopy } from './forward-files.js';
import { HISTORY_READ_LIMIT, slackTs, tsToDate } from './history.js';
import { carriedBesidesFooter, forwardKey, forwardMetadata, isForwardOf } from './forward-key.js';
import { textForCustomer } from './mention-names.js';
import { DELIVERED } from './receipts.js';
import { forwarded, notPausedWarning, text } from './messages.js';
import { withToken } from './slack-gateway.js';

const NOT_PAUSED_WARNING_SECONDS = 60 * 60;
/** Recorded before the post: without it a redelivered forward knows nothing was sent. */
export const POSTING_STEP = 'fwd:posting';

/** The posting step's record for a post starting now. */
export function postingStepNow(): PostingStep {
  return { at: Date.now() };
}

/**
 * Whether an agent's message is one to forward: Megatron's own posts (cards, mirrors) come back as events and are
 * never forwarded, nor is a message with nothing in it (the customer would get an empty DM).
 */
export function isForwardable(userId: string, message: { text: string; files: unknown[] }, botUserId: string): boolean {
  return Boolean(userId) && userId !== botUserId && (message.text.trim() !== '' || message.files.length > 0);
}

/** The posting step as the lane read (and wrote) it ahead of the forward, in one round trip with its state. */
export interface PostingAhead {
  /** The step an earlier attempt left: its post may have landed. */
  prior: PostingStep | undefined;
  /** The lane wrote this attempt's step. */
  written: boolean;
  /** The post was sent: from then on the step must stay, whatever happens next. */
  started: boolean;
}

export interface AgentMessage {
  ts: string;
  text: string;
  files: SlackFile[];
  avatarUrl: string;
}

function sender(actor: Actor, message: AgentMessage) {
  return { agent: actor.agentName, org: actor.organization.name, avatarUrl: message.avatarUrl };
}

function customerOf(ctx: TakeoverContext, actor: Actor, engagement: EngagementRow): Promise<Customer> {
  return customerOfEngagement(ctx, actor.organization.id, engagement);
}

export interface ForwardOptions {
  /**
   * Nothing the Command must still do durably follows the forward (no second-agent note): with no files to share
   * after the copy either, the Command is recorded as processed with the link, one statement instead of two.
   */
  lastStep?: boolean;
  /** The posting step read ahead; without it the forward reads and writes the step itself. */
  posting?: PostingAhead;
}

/**
 * Forwards an agent's message to the customer's DM, exactly once per Command: the message link is
 * the record, and after a crash between posting and recording, or a post whose outcome is unknown,
 * the key in the posted copy's metadata (found in the DM's recent history) stands in for it. The
 * history is read only when a post may have landed, and only once Slack had time to finish it: the
 * customer-side bot may read it once a minute. A rate-limited read fails the attempt; it never posts blind.
 * Resolves true when it recorded the Command as processed (see ForwardOptions.lastStep).
 */
export async function forwardAgentMessage(
  ctx: TakeoverContext,
  actor: Actor,
  engagement: EngagementRow,
  message: AgentMessage,
  attempt: number,
  options: ForwardOptions = {},
): Promise<boolean> {
  const key = forwardKey(actor.key);
  // The answer counts from when Megatron took it up, not from when Slack confirmed the copy.
  const startedAt = ctx.clock();
  // A first delivery cannot have been forwarded yet: only a redelivery (or a parked retry) looks for its record.
  const [linked, customer] = await Promise.all([attempt > 1 ? selectLinkByKey(ctx.pool, key) : undefined, customerOf(ctx, actor, engagement)]);
  if (linked) {
    await finishForward(ctx, actor, engagement, customer, { dm: linked.customer_channel_id, ts: linked.customer_ts }, message, false);
    return false;
  }
  const dm = await ensureDm(ctx, customer);
  const ahead = options.posting;
  const posting = attempt > 1 ? (ahead ? ahead.prior : await selectStep<PostingStep>(ctx.pool, actor.key, POSTING_STEP)) : undefined;
  let copy = posting ? await findPosted(ctx, customer, dm, key, posting) : undefined;
  if (!copy) {
    const files = await forwardAttachments(ctx, actor, customer, dm, message.files);
    const writtenAt = message.ts ? tsToDate(message.ts) : undefined;
    const late = writtenAt && Date.now() - writtenAt.getTime() > ctx.config.LATE_MARK_AFTER_MS;
    const content = forwarded({
      ...sender(actor, message),
      body: await textForCustomer(ctx, actor, message.text),
      idempotencyKey: key,
      attachments: files.attachments,
      ...(late ? { writtenAt } : {}),
    });
    // Without files to share first, the ✅ rides on the post: connection-slack adds it once the copy is there.
    const receipt = message.files.length === 0 ? receiptOf(actor, engagement, message) : undefined;
    const request = { channel: dm, content, metadata: forwardMetadata(key), ...(receipt ? { receipt } : {}) };
    copy = { ts: await postOnce(ctx, actor, customer, request, ahead), carried: files.attachments, receiptSent: receipt !== undefined };
    if (files.failed.length) await tellAgent(ctx, actor, engagement.channel_id, filesNotSent(files.failed));
  }
  const link = {
    engagement_channel_id: engagement.id,
    direction: 'to_customer' as const,
    integration_ts: message.ts,
    customer_channel_id: dm,
    customer_ts: copy.ts,
    idempotency_key: key,
    carried_attachments_json: copy.carried.length ? JSON.stringify(copy.carried) : '',
  };
  const warnable = !engagement.is_paused && actor.organization.takeoverMode === 'send-and-warn';
  // The not-paused warning may still follow, but its claim is taken in this same round: a redelivery would not post it either.
  const recordsProcessed = options.lastStep === true && message.files.length === 0;
  const [, warn, waited] = await Promise.all([
    insertLinkAndTouch(ctx.pool, link, message.ts ? tsToDate(message.ts) : ctx.clock(), recordsProcessed ? actor.key : undefined),
    warnable && claimNotPausedWarning(ctx.pool, engagement.id, startedAt, NOT_PAUSED_WARNING_SECONDS),
    actor.agentUserId && !engagement.first_response_at ? recordFirstResponse(ctx.pool, engagement.id, actor.agentUserId, startedAt) : undefined,
  ]);
  if (waited !== undefined) ctx.measures.firstResponse.observe(waited);
  if (warn) await warnNotPaused(ctx, actor, engagement, customer);
  await finishForward(ctx, actor, engagement, customer, { dm, ts: copy.ts }, message, copy.receiptSent === true);
  return recordsProcessed;
}

interface Receipt {
  channel: string;
  ts: string;
  name: string;
}

/** The ✅ on the agent's message, when the organization wants receipts. */
function receiptOf(actor: Actor, engagement: EngagementRow, message: AgentMessage): Receipt | undefined {
  return actor.organization.receipts && message.ts ? { channel: engagement.channel_id, ts: message.ts, name: DELIVERED } : undefined;
}

/**
 * What follows the copy, still owed by a redelivery that finds it posted: re-uploaded files, then the ✅ receipt
 * (unless it rode on the post).
 */
async function finishForward(
  ctx: TakeoverContext,
  actor: Actor,
  engagement: EngagementRow,
  customer: Customer,
  copy: ForwardCopy,
  message: AgentMessage,
  receiptSent: boolean,
): Promise<void> {
  await shareForwardFiles(ctx, actor, customer, copy, message.files, (failed) => tellAgent(ctx, actor, engagement.channel_id, filesNotSent(failed)));
  const receipt = receiptSent ? undefined : receiptOf(actor, engagement, message);
  if (receipt) ctx.receipts.mark(actor.integration, receipt.channel, receipt.ts, receipt.name);
}

export interface PostingStep {
  /** When the post started (ms since the epoch; for a step the lane wrote ahead, a moment before); absent in steps written before it was recorded. */
  at?: number;
}

/** How far before the post's start the search looks, for clocks that differ between us and Slack. */
const CLOCK_SKEW_MS = 60_000;

/**
 * Posts with the step recorded first. When the post fails, the step stays only if the post may have
 * landed (then the next attempt looks before posting, after UNCERTAIN_POST_RECHECK_MS); a definite
 * failure removes it, so the retry posts without spending a history read.
 */
async function postOnce(
  ctx: TakeoverContext,
  actor: Actor,
  customer: Customer,
  request: { channel: string; content: MessageContent; metadata: MessageMetadata; receipt?: Receipt },
  ahead: PostingAhead | undefined,
): Promise<string> {
  if (!ahead?.written && !ahead?.prior) await insertStep(ctx.pool, actor.key, POSTING_STEP, postingStepNow());
  if (ahead) ahead.started = true;
  try {
    // The receipt, if any, is added in the agents' workspace, with its own bot's token.
    const tokens = (token: string) => withToken(token, request.receipt ? actor.integration.botToken : undefined);
    return (await ctx.customerTokens.call(customer.workspace, (token) => ctx.slack.postMessage(request, tokens(token)))).ts;
  } catch (error) {
    if (!mayHaveLanded(error)) {
      await deleteStep(ctx.pool, actor.key, POSTING_STEP);
      throw error;
    }
    const waitMs = ctx.config.UNCERTAIN_POST_RECHECK_MS;
    throw new RetryLater(`the post to the customer may have landed; looking for it in ${waitMs / 1000}s before posting again`, waitMs, { cause: error });
  }
}

/** The copy a forward posted, with what it carried besides its footer (kept through edits). */
interface PostedCopy {
  ts: string;
  carried: unknown[];
  /** The ✅ went with the post (a copy found in history did not say). */
  receiptSent?: boolean;
}

async function findPosted(ctx: TakeoverContext, customer: Customer, dm: string, key: string, posting: PostingStep): Promise<PostedCopy | undefined> {
  const oldest = posting.at ? slackTs(posting.at - CLOCK_SKEW_MS) : '';
  const { messages } = await ctx.customerTokens.call(customer.workspace, (token) =>
    ctx.slack.getHistory({ channel: dm, limit: HISTORY_READ_LIMIT, oldest }, withToken(token)),
  );
  const found = messages.find((message) => isForwardOf(message, key));
  return found && { ts: found.ts, carried: carriedBesidesFooter(found.attachmentsJson, key) };
}

/** At most one warning per channel an hour across replicas, remembered in Postgres (a Redis restart must not repeat it). */
async function warnNotPaused(ctx: TakeoverContext, actor: Actor, engagement: EngagementRow, customer: Customer): Promise<void> {
  const key = { teamId: customer.workspace.platformId, userId: customer.user.platform_id };
  const { ts } = await ctx.slack.postMessage({ channel: engagement.channel_id, content: notPausedWarning(customer.name, key) }, withToken(actor.integration.botToken));
  await insertActionMessage(ctx.pool, { organizationId: actor.organization.id, ...key }, { kind: 'warning', channelId: engagement.channel_id, ts, at: ctx.clock() });
}

/** An agent's edit follows to the customer's copy. */
export async function followAgentEdit(ctx: TakeoverContext, actor: Actor, engagement: EngagementRow, message: AgentMessage): Promise<void> {
  const link = await selectLinkByIntegrationTs(ctx.pool, engagement.id, message.ts);
  if (!link || link.direction !== 'to_customer') return;
  const customer = await customerOf(ctx, actor, engagement);
  const carried = link.carried_attachments_json ? (JSON.parse(link.carried_attachments_json) as unknown[]) : [];
  const content = forwarded({ ...sender(actor, message), body: await textForCustomer(ctx, actor, message.text), idempotencyKey: link.idempotency_key, attachments: carried });
  await ctx.customerTokens.call(customer.workspace, (token) =>
    ctx.slack.updateMessage({ channel: link.customer_channel_id, ts: link.customer_ts, content }, withToken(token)),
  );
}

/** An agent's delete follows to the customer's copy; a copy already gone counts as done. */
export async function followAgentDelete(ctx: TakeoverContext, actor: Actor, engagement: EngagementRow, deletedTs: string): Promise<void> {
  const link = await selectLinkByIntegrationTs(ctx.pool, engagement.id, deletedTs);
  if (!link || link.direction !== 'to_customer') return;
  const customer = await customerOf(ctx, actor, engagement);
  try {
    await ctx.customerTokens.call(customer.workspace, (token) => ctx.slack.deleteMessage({ channel: link.customer_channel_id, ts: link.customer_ts }, withToken(token)));
  } catch (error) {
    if (!(error instanceof Error && /message_not_found/.test(error.message))) throw error;
  }
  await deleteLink(ctx.pool, link.id);
}

export async function tellAgent(ctx: TakeoverContext, actor: Actor, channelId: string, message: string): Promise<void> {
  if (!actor.agentUserId) return;
  await ctx.slack.postEphemeral({ channel: channelId, user: actor.agentUserId, content: text(message) }, withToken(actor.integration.botToken));
}
