/** A request Slack (or someone pretending to be Slack) got wrong: answered with `status` and `message`, nothing done. */
export class RequestError extends Error {
  override name = 'RequestError';

  constructor(
    readonly status: 400 | 401 | 404 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}
