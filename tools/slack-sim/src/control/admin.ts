import type { SimContext } from '../context.js';
import type { Params } from '../http-util.js';
import type { RateLimitConfig } from '../rate-limits.js';
import type { FaultKind } from '../types.js';
import { ControlError, optStr, str } from './input.js';

const KINDS: FaultKind[] = ['5xx', 'latency', 'invalid_auth', 'token_revoked', 'drop'];

function positiveInt(body: Params, name: string): number | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ControlError(400, `${name} must be a positive integer`);
  }
  return value;
}

export function fault(ctx: SimContext, body: Params): unknown {
  const kind = str(body, 'kind') as FaultKind;
  if (!KINDS.includes(kind)) throw new ControlError(400, `kind must be one of ${KINDS.join(', ')}`);
  const method = optStr(body, 'method');
  const token = optStr(body, 'token');
  const count = positiveInt(body, 'count') ?? 1;
  const latencyMs = positiveInt(body, 'latencyMs');
  if (kind === 'latency' && latencyMs === undefined) throw new ControlError(400, 'latencyMs is required for latency');
  ctx.state.faults.push({ kind, count, remaining: count, ...(method ? { method } : {}), ...(token ? { token } : {}),
    ...(latencyMs ? { latencyMs } : {}) });
  return {};
}

export function rateLimits(ctx: SimContext, body: Params): unknown {
  if (typeof body.on !== 'boolean') throw new ControlError(400, 'on must be true or false');
  ctx.limiter.enabled = body.on;
  if (body.config !== undefined) {
    if (typeof body.config !== 'object' || body.config === null) throw new ControlError(400, 'config must be an object');
    ctx.limiter.config = body.config as RateLimitConfig;
  }
  ctx.limiter.reset();
  return {};
}
