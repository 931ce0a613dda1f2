/** What went wrong talking to an app, as a stable code for metrics, logs and dead letters. */
export type OutboundFailure = 'invalid_url' | 'refused_address' | 'timeout' | 'network';

export class OutboundError extends Error {
  override name = 'OutboundError';

  constructor(
    readonly failure: OutboundFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
