import { Code, type ConnectError } from '@connectrpc/connect';
import { FIELD_HEADER, FIELD_MISSING_HEADER } from '../error-edge.js';

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

/**
 * The one place where MegatronService's Connect codes become the REST routes' HTTP statuses. A field
 * the API names by its path (`customer.team_id`) is reported by its REST parameter name (`team_id`).
 */
export function restErrorFrom(error: ConnectError): RestError {
  const field = error.metadata.get(FIELD_HEADER);
  if (error.code === Code.InvalidArgument && field) {
    const name = field.split('.').at(-1) ?? field;
    if (error.metadata.get(FIELD_MISSING_HEADER) === 'true') return missingParameter(name);
    const problem = error.rawMessage.startsWith(`${field} `) ? error.rawMessage.slice(field.length + 1) : error.rawMessage;
    return badParameter(name, problem);
  }
  return new RestError(STATUS[error.code] ?? 500, error.rawMessage);
}
