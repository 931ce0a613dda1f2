import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { errors } from '@nats-io/nats-core';

export { JetStreamApiCodes };

/** Codes nats.js does not name. */
export const MoreJetStreamApiCodes = {
  /** A stream of that name exists with a different configuration (a concurrent add that lost). */
  StreamNameInUse: 10058,
} as const;

type ApiCode = JetStreamApiCodes | (typeof MoreJetStreamApiCodes)[keyof typeof MoreJetStreamApiCodes];

/** The server's JetStream error code (`err_code`), not its wording: messages change between server versions. */
export function isJetStreamApiError(error: unknown, code: ApiCode): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}

/**
 * A publish that may succeed if sent again: no PubAck in time (lost with a server that died), nobody
 * answering the subject (a stream whose replicas are electing a new leader; nats.js reports it as
 * "jetstream is not enabled", the no-responders error as its cause), or JetStream saying it is
 * temporarily unavailable (503).
 */
export function mayStoreOnRetry(error: unknown): boolean {
  if (error instanceof errors.TimeoutError) return true;
  if (error instanceof JetStreamApiError) return error.status === 503;
  const request = error instanceof errors.RequestError ? error : error instanceof Error ? error.cause : undefined;
  return request instanceof errors.RequestError && request.isNoResponders();
}
