import { isObject, stringAt } from '@megatron/runtime';
import type { SlackReply, VerifiedRequest } from '../http/app.js';
import { FORM, JSON_TYPE } from '../http/body.js';
import type { Route } from '../metrics.js';

/** One request Slack delivers over a Socket Mode connection (docs.slack.dev/apis/events-api/using-socket-mode). */
export interface Envelope {
  envelopeId: string;
  /** `events_api`, `slash_commands`, `interactive`, or a type Megatron does not subscribe to. */
  type: string;
  /** The body the HTTP request would have carried, as JSON. */
  payload: unknown;
  acceptsResponsePayload: boolean;
  retryAttempt: number;
  retryReason: string;
}

/** What arrives on a connection: the greeting, a request to reconnect, an envelope, or something to ignore. */
export type SocketMessage =
  | { kind: 'hello' }
  | { kind: 'disconnect'; reason: string }
  | { kind: 'envelope'; envelope: Envelope }
  | { kind: 'unknown'; type: string };

export function readSocketMessage(text: string): SocketMessage {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { kind: 'unknown', type: 'not JSON' };
  }
  const type = stringAt(message, 'type') ?? '';
  const envelopeId = stringAt(message, 'envelope_id');
  if (envelopeId !== undefined && isObject(message)) {
    const retryAttempt = message.retry_attempt;
    return {
      kind: 'envelope',
      envelope: {
        envelopeId,
        type,
        payload: message.payload,
        acceptsResponsePayload: message.accepts_response_payload === true,
        retryAttempt: typeof retryAttempt === 'number' ? retryAttempt : 0,
        retryReason: stringAt(message, 'retry_reason') ?? '',
      },
    };
  }
  if (type === 'hello') return { kind: 'hello' };
  if (type === 'disconnect') return { kind: 'disconnect', reason: stringAt(message, 'reason') ?? '' };
  return { kind: 'unknown', type };
}

export type SlackRoute = Extract<Route, 'slash_command' | 'interactive_message' | 'event'>;

/** Each envelope type reaches the handler of the HTTP route Slack would otherwise have posted to. */
export function routeOf(type: string): SlackRoute | undefined {
  switch (type) {
    case 'events_api':
      return 'event';
    case 'slash_commands':
      return 'slash_command';
    case 'interactive':
      return 'interactive_message';
    default:
      return undefined;
  }
}

/** A slash command's fields as the form Slack would have posted; they are all strings on the wire. */
function slashForm(payload: unknown): URLSearchParams {
  const form = new URLSearchParams();
  if (!isObject(payload)) return form;
  for (const [key, value] of Object.entries(payload)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') form.append(key, String(value));
  }
  return form;
}

/**
 * The request the HTTP route would have received for this payload, so one handler (parsing, legacy token,
 * mapping, publishing) serves both receivers. The socket itself authenticated Slack: there is no signature.
 */
export function requestOf(route: SlackRoute, payload: unknown): VerifiedRequest {
  switch (route) {
    case 'event':
      return { rawBody: Buffer.from(JSON.stringify(payload ?? null)), contentType: JSON_TYPE };
    case 'slash_command':
      return { rawBody: Buffer.from(slashForm(payload).toString()), contentType: FORM };
    case 'interactive_message':
      return { rawBody: Buffer.from(new URLSearchParams({ payload: JSON.stringify(payload ?? null) }).toString()), contentType: FORM };
  }
}

/** Whether to acknowledge an envelope, and with which payload. */
export type Ack = { send: false } | { send: true; payload?: Record<string, unknown> };

/**
 * An envelope is acknowledged exactly when the HTTP route would have answered 2xx, so the delivery promise
 * carries over: a Command that was not stored (503) leaves its events_api envelope unacknowledged and Slack
 * delivers it again, as it retries a 503 over HTTP. A slash command's "unavailable" is a 200 with words, so it
 * is acknowledged with them. The reply body goes along only where Slack accepts one (slash commands, legacy
 * interactive messages), where it means what the HTTP 200 body means.
 */
export function ackOf(reply: SlackReply, acceptsResponsePayload: boolean): Ack {
  if (reply.status < 200 || reply.status > 299) return { send: false };
  return acceptsResponsePayload && isObject(reply.body) ? { send: true, payload: reply.body } : { send: true };
}
