import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import { Health } from '@megatron/contracts';
import { z } from 'zod';
import { secretMatcher } from './secrets.js';

/**
 * Used when MEGATRON_SERVICE_TOKEN is unset in megatron-dev, so a laptop run needs no secret; production
 * refuses to start without a real one.
 */
export const DEV_SERVICE_TOKEN = 'megatron-dev-service-token-not-a-secret';

export const serviceTokenEnv = {
  MEGATRON_APP_MODE: z.enum(['megatron-dev', 'megatron-production']).default('megatron-production'),
  /** The shared secret services present to each other's internal RPCs (authorization: Bearer). */
  MEGATRON_SERVICE_TOKEN: z.string().regex(/^\S{32,512}$/, { message: 'expected 32 to 512 characters without spaces (openssl rand -base64 32)' }).optional(),
};

/** Refinement for a service schema: production needs a service token of its own. */
export function requireServiceTokenInProduction(config: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (config.MEGATRON_APP_MODE === 'megatron-production' && config.MEGATRON_SERVICE_TOKEN === undefined) {
    ctx.addIssue({ code: 'custom', path: ['MEGATRON_SERVICE_TOKEN'], message: 'required in megatron-production' });
  }
}

export function serviceTokenOf(config: { MEGATRON_SERVICE_TOKEN?: string | undefined }): string {
  return config.MEGATRON_SERVICE_TOKEN ?? DEV_SERVICE_TOKEN;
}

const BEARER = /^bearer\s+(\S+)\s*$/i;

/**
 * Internal RPCs answer only callers presenting the service token; grpc.health stays open because the
 * kubelet's gRPC probe cannot send one (it reveals nothing but SERVING).
 */
export function serviceTokenInterceptor(token: string): Interceptor {
  const matches = secretMatcher(token);
  return (next) => async (req) => {
    if (req.service.typeName !== Health.typeName) {
      const given = BEARER.exec(req.header.get('authorization') ?? '')?.[1];
      if (given === undefined) throw new ConnectError('this is an internal service: send "authorization: Bearer <MEGATRON_SERVICE_TOKEN>"', Code.Unauthenticated);
      if (!matches(given)) throw new ConnectError('invalid service token', Code.Unauthenticated);
    }
    return next(req);
  };
}

/** A client interceptor sending `authorization: Bearer <token>` (the service token, an admin or API token). */
export function withBearer(token: string): Interceptor {
  return (next) => (req) => {
    req.header.set('authorization', `Bearer ${token}`);
    return next(req);
  };
}
