import { Code, ConnectError } from '@connectrpc/connect';

/** An answer in the original API's error shape: `{ok: false, error}` with an HTTP status. */
export class RestError extends Error {
  override name = 'RestError';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const missingParameter = (name: string) => new RestError(400, `Missing parameter: ${name}`);
export const badParameter = (name: string, problem: string) => new RestError(400, `Invalid parameter: ${name}: ${problem}`);

const STATUS: Partial<Record<Code, number>> = {
  [Code.InvalidArgument]: 400,
  [Code.OutOfRange]: 400,
  [Code.Unauthenticated]: 401,
  [Code.PermissionDenied]: 403,
  [Code.NotFound]: 404,
  [Code.AlreadyExists]: 409,
  [Code.FailedPrecondition]: 409,
  [Code.Aborted]: 409,
  [Code.ResourceExhausted]: 429,
  [Code.Unimplemented]: 501,
  [Code.Unavailable]: 503,
  [Code.DeadlineExceeded]: 504,
};

/** The one place where MegatronService's Connect codes become the REST routes' HTTP statuses. */
export function restErrorFrom(error: ConnectError): RestError {
  return new RestError(STATUS[error.code] ?? 500, error.rawMessage);
}
