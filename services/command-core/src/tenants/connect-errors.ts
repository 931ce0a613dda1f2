import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import { TenantError, type TenantErrorKind } from './errors.js';

const CODES: Record<TenantErrorKind, Code> = {
  invalid_argument: Code.InvalidArgument,
  not_found: Code.NotFound,
  already_exists: Code.AlreadyExists,
};

export function toConnectError(error: TenantError): ConnectError {
  return new ConnectError(error.message, CODES[error.kind]);
}

/** Tenant errors keep their meaning at the RPC edge instead of becoming Code.Internal. */
export const tenantErrorInterceptor: Interceptor = (next) => async (req) => {
  try {
    return await next(req);
  } catch (error) {
    if (error instanceof TenantError) throw toConnectError(error);
    throw error;
  }
};
