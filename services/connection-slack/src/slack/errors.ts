import { Code, ConnectError } from '@connectrpc/connect';
import { OUTCOME_UNKNOWN, RETRY_AFTER_HEADER, SLACK_ERROR_HEADER, SLACK_OUTCOME_HEADER } from '@megatron/contracts';
import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';


/** What went wrong with one attempt, in the terms the retry policy needs. */
export type SlackFailure =
  | { kind: 'rate_limited'; retryAfterMs: number }
  | { kind: 'transient'; reason: 'server_error'; detail: string }
  /** `requestSent`: the connection was made, so Slack may have acted on the request before it failed. */
  | { kind: 'transient'; reason: 'network_error'; detail: string; requestSent: boolean }
  | { kind: 'permanent'; slackError: string; detail: string };

/**
 * Slack answers these with `ok: false` although a later attempt may succeed
 * (docs.slack.dev/reference/methods/chat.postMessage#errors lists them for every method).
 */
const TRANSIENT_SLACK_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** A non-2xx answer from a Slack URL: response_url, url_private, an upload URL, or a Web API method called lean. */
export class SlackHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly retryAfterSeconds: number | undefined,
    readonly what: string,
  ) {
    super(`${what} answered HTTP ${status}`);
  }
}

/** A Web API method called lean (lean-web-api.ts) answered `ok: false`; the WebClient's WebAPIPlatformError. */
export class SlackPlatformError extends Error {
  constructor(
    readonly slackError: string,
    readonly messages: string[],
    method: string,
  ) {
    super(`${method} answered ${slackError}`);
  }
}

function platformFailure(slackError: string, messages: string[]): SlackFailure {
  if (slackError === 'ratelimited') return { kind: 'rate_limited', retryAfterMs: 1000 };
  if (TRANSIENT_SLACK_ERRORS.has(slackError)) return { kind: 'transient', reason: 'server_error', detail: slackError };
  return { kind: 'permanent', slackError, detail: messages.length ? `${slackError} (${messages.join('; ')})` : slackError };
}

export function classifySlackFailure(error: unknown): SlackFailure {
  if (error instanceof SlackHttpError) {
    if (error.status === 429) return { kind: 'rate_limited', retryAfterMs: (error.retryAfterSeconds ?? 1) * 1000 };
    if (error.status >= 500) return { kind: 'transient', reason: 'server_error', detail: error.message };
    if (error.status >= 300 && error.status < 400) {
      // url_private answers a token that may not read the file with a redirect to the sign-in page.
      return { kind: 'permanent', slackError: 'invalid_auth', detail: `invalid_auth (${error.what} redirected to sign-in)` };
    }
    const slackError = slackErrorInBody(error.body) ?? (error.status === 404 ? 'not_found' : `http_${error.status}`);
    return { kind: 'permanent', slackError, detail: `${slackError} (${error.message})` };
  }
  if (error instanceof WebAPIRateLimitedError) return { kind: 'rate_limited', retryAfterMs: error.retryAfter * 1000 };
  if (error instanceof SlackPlatformError) return platformFailure(error.slackError, error.messages);
  if (error instanceof WebAPIPlatformError) return platformFailure(error.data.error, error.data.response_metadata?.messages ?? []);
  if (error instanceof WebAPIHTTPError) {
    if (error.statusCode >= 500) return { kind: 'transient', reason: 'server_error', detail: `HTTP ${error.statusCode}` };
    const slackError = slackErrorInBody(error.body) ?? `http_${error.statusCode}`;
    return { kind: 'permanent', slackError, detail: `${slackError} (HTTP ${error.statusCode})` };
  }
  const cause = error instanceof WebAPIRequestError ? error.original : error;
  return { kind: 'transient', reason: 'network_error', detail: describeNetworkError(cause), requestSent: !connectionRefused(cause) };
}

/**
 * Failures before a connection exists: Slack cannot have seen the request. Anything later may have reached it
 * (undici's UND_ERR_SOCKET, UND_ERR_HEADERS_TIMEOUT, UND_ERR_BODY_TIMEOUT, an aborted request).
 */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function errorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** fetch wraps the socket's error in `cause` ("fetch failed" → ECONNREFUSED). */
function connectionRefused(error: unknown): boolean {
  const cause = error instanceof Error ? error.cause : undefined;
  return [errorCode(error), errorCode(cause)].some((code) => code !== undefined && NOT_CONNECTED.has(code));
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/** The `error` field of a body that may still be raw JSON text or already parsed (WebAPIHTTPError parses it). */
function slackErrorInBody(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const value = typeof parsed === 'object' && parsed !== null ? (parsed as { error?: unknown }).error : undefined;
  return typeof value === 'string' ? value : undefined;
}

const CODE_BY_SLACK_ERROR: Record<string, Code> = {
  invalid_auth: Code.Unauthenticated,
  token_revoked: Code.Unauthenticated,
  token_expired: Code.Unauthenticated,
  not_authed: Code.Unauthenticated,
  account_inactive: Code.Unauthenticated,
  missing_scope: Code.PermissionDenied,
  not_allowed_token_type: Code.PermissionDenied,
  no_permission: Code.PermissionDenied,
  restricted_action: Code.PermissionDenied,
  channel_not_found: Code.NotFound,
  user_not_found: Code.NotFound,
  users_not_found: Code.NotFound,
  message_not_found: Code.NotFound,
  thread_not_found: Code.NotFound,
  file_not_found: Code.NotFound,
  is_archived: Code.FailedPrecondition,
  not_in_channel: Code.FailedPrecondition,
  user_not_in_channel: Code.FailedPrecondition,
  already_archived: Code.FailedPrecondition,
  not_archived: Code.FailedPrecondition,
  method_not_supported_for_channel_type: Code.FailedPrecondition,
  expired_url: Code.FailedPrecondition,
  used_url: Code.FailedPrecondition,
  no_service: Code.NotFound,
  name_taken: Code.AlreadyExists,
  already_in_channel: Code.AlreadyExists,
  unknown_method: Code.Unimplemented,
  not_found: Code.NotFound,
};

/** The one mapping from Slack's error strings to gRPC codes; see the table in README.md. */
export function codeForSlackError(slackError: string): Code {
  const known = CODE_BY_SLACK_ERROR[slackError];
  if (known !== undefined) return known;
  if (slackError.startsWith('cant_')) return Code.FailedPrecondition;
  return Code.InvalidArgument;
}

export function permanentSlackError(method: string, slackError: string, detail = slackError): ConnectError {
  return new ConnectError(`${method}: Slack answered ${detail}`, codeForSlackError(slackError), {
    [SLACK_ERROR_HEADER]: slackError,
  });
}

export function exhaustedRetries(method: string, failure: SlackFailure, attempts: number): ConnectError {
  if (failure.kind === 'rate_limited') {
    return new ConnectError(
      `${method}: rate limited by Slack; Retry-After ${failure.retryAfterMs / 1000}s does not fit in the call's deadline`,
      Code.Unavailable,
      { [SLACK_ERROR_HEADER]: 'ratelimited', [RETRY_AFTER_HEADER]: String(Math.ceil(failure.retryAfterMs / 1000)) },
    );
  }
  const slackError = failure.kind === 'transient' ? failure.reason : failure.slackError;
  return new ConnectError(`${method}: ${failure.detail} (gave up after ${attempts} attempts)`, Code.Unavailable, {
    [SLACK_ERROR_HEADER]: slackError,
  });
}

/**
 * A write that may have reached Slack although no answer came (see SLACK_OUTCOME_HEADER): the caller
 * must look for it before writing again. Code Unavailable, like every failure worth retrying.
 */
export function uncertainOutcome(method: string, detail: string): ConnectError {
  return new ConnectError(`${method}: ${detail}; Slack may have carried it out`, Code.Unavailable, {
    [SLACK_ERROR_HEADER]: 'network_error',
    [SLACK_OUTCOME_HEADER]: OUTCOME_UNKNOWN,
  });
}

/** Whether a ConnectError came from Slack saying exactly `slackError`. */
export function isSlackError(error: unknown, slackError: string): boolean {
  return error instanceof ConnectError && error.metadata.get(SLACK_ERROR_HEADER) === slackError;
}
