import { RelayMode, type SlackFile } from '@megatron/contracts';
import { deleteStep, insertStep, selectStep } from '../db/command-steps.js';
import type { Actor, TakeoverContext } from './context.js';
import type { Customer } from './customers.js';
import { mayHaveLanded, RetryLater } from './errors.js';
import { describeFailedFiles, failedFile, isReupload, maskedFile, NO_FILES, relayAsLinks, toCustomer, type FailedFile, type RelayedFiles } from './file-relay.js';
import { HISTORY_READ_LIMIT } from './history.js';
import { withToken } from './slack-gateway.js';

/** The customer's copy of an agent's message: re-uploaded files follow it in the DM. */
export interface ForwardCopy {
  dm: string;
  ts: string;
}

/** What became of one file of a forward, recorded so a redelivery does not share it again. */
type FileStep = { fileId: string } | { foundInDm: true } | { failed: string };

/** Presigned mode: the agent's files as links carried by the copy itself. Re-upload mode shares them after it instead. */
export async function forwardAttachments(ctx: TakeoverContext, actor: Actor, customer: Customer, dm: string, files: SlackFile[]): Promise<RelayedFiles> {
  if (isReupload(ctx) || files.length === 0) return NO_FILES;
  return relayAsLinks(ctx, files, toCustomer(ctx, actor.integration, customer.workspace, dm));
}

/** What the agent reads when files did not reach the customer. */
export function filesNotSent(failed: FailedFile[]): string {
  const retry = failed.some((file) => file.retryable) ? ' Try sharing the file again.' : '';
  return `Could not send ${describeFailedFiles(failed)} to the customer.${retry}`;
}

/**
 * Re-upload mode: shares the agent's files into the customer's DM right after the copy, each once per Command (step
 * `fwd:file:<n>`), so a redelivered forward uploads nothing twice. A share whose outcome is unknown
 * (files.completeUploadExternal timed out after sending) keeps its `…:sharing` step and stops the Command: it is
 * retried after UNCERTAIN_POST_RECHECK_MS and first looks in the DM, after the copy, for the bot's file of that
 * title. Files that failed for sure are told through `tell` first, once.
 */
export async function shareForwardFiles(
  ctx: TakeoverContext,
  actor: Actor,
  customer: Customer,
  copy: ForwardCopy,
  files: SlackFile[],
  tell: (failed: FailedFile[]) => Promise<void>,
): Promise<void> {
  if (!isReupload(ctx) || files.length === 0) return;
  const route = toCustomer(ctx, actor.integration, customer.workspace, copy.dm);
  const failed: FailedFile[] = [];
  let uncertain: unknown;
  for (const [index, original] of files.entries()) {
    const step = `fwd:file:${index}`;
    const sharing = `${step}:sharing`;
    if (await selectStep<FileStep>(ctx.pool, actor.key, step)) continue;
    const file = maskedFile(original);
    if ((await selectStep(ctx.pool, actor.key, sharing)) && (await sharedAfterCopy(ctx, customer, copy, file.title, sameTitleBefore(files, index)))) {
      await insertStep(ctx.pool, actor.key, step, { foundInDm: true } satisfies FileStep);
      continue;
    }
    await insertStep(ctx.pool, actor.key, sharing, {});
    try {
      const { fileId } = await route.relay(file, RelayMode.REUPLOAD);
      await insertStep(ctx.pool, actor.key, step, { fileId } satisfies FileStep);
    } catch (error) {
      if (mayHaveLanded(error)) {
        uncertain = error;
        break;
      }
      await deleteStep(ctx.pool, actor.key, sharing);
      const failure = failedFile(ctx, original, error);
      failed.push(failure);
      await insertStep(ctx.pool, actor.key, step, { failed: failure.reason } satisfies FileStep);
    }
  }
  if (failed.length) await tell(failed);
  if (uncertain !== undefined) {
    const waitMs = ctx.config.UNCERTAIN_POST_RECHECK_MS;
    throw new RetryLater(`a file share to the customer may have landed; looking for it in ${waitMs / 1000}s before sharing again`, waitMs, { cause: uncertain });
  }
}

/** How many files before `index` in the same message carry its title: each of those has a share of its own. */
function sameTitleBefore(files: SlackFile[], index: number): number {
  const title = maskedFile(files[index]!).title;
  return files.slice(0, index).filter((file) => maskedFile(file).title === title).length;
}

/**
 * Whether the bot's share of a file titled `title` is in the DM after the copy. The channel's later Commands wait
 * behind this one, so a file of the bot's after the copy is this forward's unless the bot itself sent one of the
 * same title meanwhile: the title is enough.
 */
async function sharedAfterCopy(ctx: TakeoverContext, customer: Customer, copy: ForwardCopy, title: string, earlier: number): Promise<boolean> {
  const { messages } = await ctx.customerTokens.call(customer.workspace, (token) =>
    ctx.slack.getHistory({ channel: copy.dm, limit: HISTORY_READ_LIMIT, oldest: copy.ts }, withToken(token)),
  );
  const shares = messages.filter((message) => message.botId).flatMap((message) => message.files.filter((file) => file.title === title));
  return shares.length > earlier;
}
