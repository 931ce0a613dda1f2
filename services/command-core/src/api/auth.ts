import { createHash, timingSafeEqual } from 'node:crypto';
import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import { MegatronAdminService, MegatronService } from '@megatron/contracts';
import type { Logger } from '@megatron/runtime';
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

/**
 * Authenticates MegatronService calls with an organization API token (setting organizationIdKey for the
 * handlers) and MegatronAdminService calls with the admin token. Other services (health, the internal
 * TenantSettingsService) pass: the network policy keeps those inside the cluster.
 */
export function authInterceptor(options: AuthOptions): Interceptor {
  const adminDigest = options.adminToken === undefined ? undefined : digest(options.adminToken);
  return (next) => async (req) => {
    if (req.service.typeName === MegatronService.typeName) {
      const token = tokenFrom(req.header);
      if (token === undefined) throw new ConnectError('missing API token: send "authorization: Bearer <token>"', Code.Unauthenticated);
      let organizationId: string | undefined;
      try {
        organizationId = await options.authenticate(token);
      } catch (error) {
        options.logger.error({ err: error, method: req.method.name }, 'API token check failed');
        throw new ConnectError('cannot check the API token right now; retry shortly', Code.Unavailable);
      }
      if (organizationId === undefined) throw new ConnectError('invalid or revoked API token', Code.Unauthenticated);
      req.contextValues.set(organizationIdKey, organizationId);
    } else if (req.service.typeName === MegatronAdminService.typeName) {
      if (adminDigest === undefined) throw new ConnectError('admin API disabled: MEGATRON_ADMIN_TOKEN is not set', Code.PermissionDenied);
      const token = tokenFrom(req.header);
      if (token === undefined) throw new ConnectError('missing admin token: send "authorization: Bearer <MEGATRON_ADMIN_TOKEN>"', Code.Unauthenticated);
      if (!timingSafeEqual(digest(token), adminDigest)) throw new ConnectError('invalid admin token', Code.Unauthenticated);
    }
    return next(req);
  };
}

// Equal-length digests let timingSafeEqual compare tokens of any length without leaking it.
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
