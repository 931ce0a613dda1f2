import { Code, ConnectError, createContextValues, type ContextValues, type Interceptor } from '@connectrpc/connect';
import { MegatronAdminService, MegatronService } from '@megatron/contracts';
import { secretsEqual, type Logger } from '@megatron/runtime';
import { organizationIdKey } from './auth-context.js';

export interface AuthOptions {
  /** The organization of a live API token, undefined for an unknown or revoked one. */
  authenticate(apiToken: string): Promise<string | undefined>;
  /** MEGATRON_ADMIN_TOKEN; the admin API refuses every call while it is unset. */
  adminToken?: string | undefined;
  logger: Logger;
}

// `MegatronToken` is the original's REST scheme (SPEC §5), kept so existing integrations work unchanged.
const AUTHORIZATION = /^(?:bearer|megatrontoken)\s+(\S+)\s*$/i;

/** The token of an `authorization: Bearer <token>` or `MegatronToken <token>` header, if one is there. */
export function tokenFrom(headers: Headers): string | undefined {
  const value = headers.get('authorization');
  if (value === null) return undefined;
  return AUTHORIZATION.exec(value)?.[1];
}

export type ApiAuthenticator = (headers: Headers, method: string) => Promise<string>;

/** The organization an API call acts for, from its organization API token; refuses a missing, unknown or revoked one. */
export function apiAuthenticator(options: AuthOptions): ApiAuthenticator {
  return async (headers, method) => {
    const token = tokenFrom(headers);
    if (token === undefined) throw new ConnectError('missing API token: send "authorization: Bearer <token>"', Code.Unauthenticated);
    let organizationId: string | undefined;
    try {
      organizationId = await options.authenticate(token);
    } catch (error) {
      options.logger.error({ err: error, method }, 'API token check failed');
      throw new ConnectError('cannot check the API token right now; retry shortly', Code.Unavailable);
    }
    if (organizationId === undefined) throw new ConnectError('invalid or revoked API token', Code.Unauthenticated);
    return organizationId;
  };
}

/** The admin API's check: MEGATRON_ADMIN_TOKEN, compared in constant time; disabled while unset. */
function checkAdminToken(options: AuthOptions, headers: Headers): void {
  if (options.adminToken === undefined) throw new ConnectError('admin API disabled: MEGATRON_ADMIN_TOKEN is not set', Code.PermissionDenied);
  const token = tokenFrom(headers);
  if (token === undefined) throw new ConnectError('missing admin token: send "authorization: Bearer <MEGATRON_ADMIN_TOKEN>"', Code.Unauthenticated);
  if (!secretsEqual(token, options.adminToken)) throw new ConnectError('invalid admin token', Code.Unauthenticated);
}

/**
 * Authenticates a call to a public service from its headers alone, before its body is read (the HTTP
 * and gRPC servers run it first): MegatronService with an organization API token (the organization
 * goes on the call's context), MegatronAdminService with the admin token.
 */
export function callAuthenticator(options: AuthOptions): (headers: Headers, service: string) => Promise<ContextValues> {
  const authenticate = apiAuthenticator(options);
  return async (headers, service) => {
    const values = createContextValues();
    if (service === MegatronService.typeName) values.set(organizationIdKey, await authenticate(headers, service));
    else if (service === MegatronAdminService.typeName) checkAdminToken(options, headers);
    return values;
  };
}

/**
 * The same checks as an interceptor, for calls that reach the services another way (the REST routes'
 * in-memory transport, which authenticates before reading and hands the organization on). Other
 * services (health) pass.
 */
export function authInterceptor(options: AuthOptions): Interceptor {
  const authenticate = apiAuthenticator(options);
  return (next) => async (req) => {
    if (req.service.typeName === MegatronService.typeName) {
      if (req.contextValues.get(organizationIdKey) === undefined) req.contextValues.set(organizationIdKey, await authenticate(req.header, req.method.name));
    } else if (req.service.typeName === MegatronAdminService.typeName) {
      checkAdminToken(options, req.header);
    }
    return next(req);
  };
}
