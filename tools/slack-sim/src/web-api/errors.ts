/** A Web API failure answered as `{ok: false, error: code, ...extra}` with HTTP 200, as Slack does. */
export class SlackApiError extends Error {
  constructor(readonly code: string, readonly extra: Record<string, unknown> = {}) {
    super(code);
  }
}

/** Slack's answer to a missing required argument. */
export function missingArgument(name: string): SlackApiError {
  return new SlackApiError('invalid_arguments', {
    response_metadata: { messages: [`[ERROR] missing required field: ${name}`] },
  });
}
