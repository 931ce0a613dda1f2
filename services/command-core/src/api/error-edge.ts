import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import type { Logger } from '@megatron/runtime';
import { AgentError, FieldError } from '../takeover/errors.js';
import { TenantError, type TenantErrorKind } from '../tenants/errors.js';

/** Error metadata naming the field a FieldError is about, so the REST routes can say it in their own words. */
export const FIELD_HEADER = 'megatron-field';
export const FIELD_MISSING_HEADER = 'megatron-field-missing';

const TENANT_CODES: Record<TenantErrorKind, Code> = {
  invalid_argument: Code.InvalidArgument,
  not_found: Code.NotFound,
  already_exists: Code.AlreadyExists,
};

/** A domain error in the API's vocabulary; anything unexpected becomes Internal without its details. */
export function toConnectError(error: unknown): ConnectError | undefined {
  if (error instanceof ConnectError) return error;
  // Agents read *bold*; API callers get the same words as plain text.
  if (error instanceof AgentError) return new ConnectError(error.agentMessage.replace(/\*/g, ''), error.code);
  if (error instanceof TenantError) return new ConnectError(error.message, TENANT_CODES[error.kind]);
  if (error instanceof FieldError) {
    return new ConnectError(error.message, Code.InvalidArgument, { [FIELD_HEADER]: error.field, [FIELD_MISSING_HEADER]: String(error.missing) });
  }
  return undefined;
}

/**
 * The one error edge of command-core's RPCs (gRPC, Connect JSON and, through its in-memory transport,
 * the REST routes): domain errors get their codes here, and an unexpected error is logged with its
 * cause once and answered as Internal, never with its message (it may name tables or hosts).
 */
export function errorEdge(logger: Logger): Interceptor {
  return (next) => async (req) => {
    try {
      return await next(req);
    } catch (error) {
      const known = toConnectError(error);
      if (known && known.code !== Code.Internal && known.code !== Code.Unknown) throw known;
      logger.error({ err: error, service: req.service.typeName, method: req.method.name }, 'call failed');
      throw new ConnectError('internal error', Code.Internal);
    }
  };
}
