import { Code, ConnectError } from '@connectrpc/connect';

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

const PERMANENT = new Set([Code.InvalidArgument, Code.NotFound, Code.AlreadyExists, Code.PermissionDenied, Code.FailedPrecondition, Code.Unauthenticated, Code.Unimplemented]);

export function slackErrorOf(error: unknown): string | undefined {
  return error instanceof ConnectError ? (error.metadata.get('slack-error') ?? undefined) : undefined;
}

export function isSlackError(error: unknown, ...names: string[]): boolean {
  const name = slackErrorOf(error);
  return name !== undefined && names.includes(name);
}

/** Slack or another service said no for good (bad request, missing channel, revoked token). */
export function isPermanent(error: unknown): boolean {
  return error instanceof AgentError || (error instanceof ConnectError && PERMANENT.has(error.code));
}

/** What the agent reads when a command fails for good. */
export function describeFailure(error: unknown): string {
  if (error instanceof AgentError) return error.agentMessage;
  const slackError = slackErrorOf(error);
  if (slackError) return `Slack refused the request (${slackError}). Check the channel and the customer, then try again.`;
  if (error instanceof ConnectError) return `That did not work: ${error.rawMessage}`;
  return 'Something went wrong on our side; the command was not carried out. Please try again.';
}

/** The same failure for API callers: AgentErrors keep their code, Slack refusals become FailedPrecondition. */
export function toConnectError(error: unknown): unknown {
  if (error instanceof AgentError) return new ConnectError(error.agentMessage, error.code);
  return error;
}
