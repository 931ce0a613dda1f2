import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';

export { JetStreamApiCodes };

/** The server's JetStream error code (`err_code`), not its wording: messages change between server versions. */
export function isJetStreamApiError(error: unknown, code: JetStreamApiCodes): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}
