import { Code, ConnectError } from '@connectrpc/connect';
import { OUTCOME_UNKNOWN, RETRY_AFTER_HEADER, SLACK_ERROR_HEADER, SLACK_OUTCOME_HEADER } from '@megatron/contracts';

/**
 * A failure that will not go away by trying again, with words the agent can act on. The command is
 * terminated and the agent told; the API answers it with `code`.
 */
export class AgentError extends Error {
  constructor(
    readonly agentMessage: string,
    readonly code: Code = Code.FailedPrecondition,
  ) {
    super(agentMessage);
  }
}

/**
 * A request field that is missing or malformed, named by its path in the API (`customer.team_id`); the
 * REST routes report it under their own parameter names.
 */
export class FieldError extends Error {
  override name = 'FieldError';

  constructor(
    readonly field: string,
    readonly missing: boolean,
    message: string,
  ) {
    super(message);
  }
}

export const missingField = (field: string) => new FieldError(field, true, `${field} is required`);
export const invalidField = (field: string, problem: string) => new FieldError(field, false, `${field} ${problem}`);

/**
 * A failure that must not be retried before `afterMs`: a post whose outcome is unknown is looked for in
 * the DM only once Slack had time to finish it, so a slow post is found rather than sent twice.
 */
export class RetryLater extends Error {
  override name = 'RetryLater';

  constructor(
    message: string,
    readonly afterMs: number,
    options?: { cause: unknown },
  ) {
    super(message, options);
  }
}

/**
 * An agent wrote while the bot still answers and the organization holds such messages: the agent was
 * asked what to do, and the message waits for the answer, its channel's later messages behind it.
 */
export class HeldForChoice extends Error {
  override name = 'HeldForChoice';
}

/**
 * Whether a failed write may still have reached Slack. Only an answer from connection-slack can say it
 * did not: a Slack error other than an unknown outcome. A lost or timed-out call to connection-slack
 * itself is unknown too (connection-slack may have posted).
 */
export function mayHaveLanded(error: unknown): boolean {
  if (isPermanent(error)) return false;
  if (!(error instanceof ConnectError)) return true;
  if (error.metadata.get(SLACK_OUTCOME_HEADER) === OUTCOME_UNKNOWN) return true;
  return error.metadata.get(SLACK_ERROR_HEADER) === null;
}

/** How long Slack asked to wait (a 429 that did not fit in the call's deadline), if it did. */
export function retryAfterMs(error: unknown): number | undefined {
  const seconds = error instanceof ConnectError ? Number(error.metadata.get(RETRY_AFTER_HEADER) ?? NaN) : NaN;
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

const PERMANENT = new Set([Code.InvalidArgument, Code.NotFound, Code.AlreadyExists, Code.PermissionDenied, Code.FailedPrecondition, Code.Unauthenticated, Code.Unimplemented]);

export function slackErrorOf(error: unknown): string | undefined {
  return error instanceof ConnectError ? (error.metadata.get(SLACK_ERROR_HEADER) ?? undefined) : undefined;
}

export function isSlackError(error: unknown, ...names: string[]): boolean {
  const name = slackErrorOf(error);
  return name !== undefined && names.includes(name);
}

/** Slack or another service said no for good (bad request, missing channel, revoked token). */
export function isPermanent(error: unknown): boolean {
  return error instanceof AgentError || error instanceof FieldError || (error instanceof ConnectError && PERMANENT.has(error.code));
}
