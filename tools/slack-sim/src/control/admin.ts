import type { SimContext } from '../context.js';
import type { Params } from '../http-util.js';
import { METHOD_TIERS, type RateLimitConfig, type Tier } from '../rate-limits.js';
import type { FaultKind } from '../types.js';
import { ControlError, optStr, str } from './input.js';

const KINDS: FaultKind[] = ['5xx', 'latency', 'invalid_auth', 'token_revoked', 'drop', 'reset_after_send'];

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
  const channel = optStr(body, 'channel');
  const count = positiveInt(body, 'count') ?? 1;
  const latencyMs = positiveInt(body, 'latencyMs');
  if (kind === 'latency' && latencyMs === undefined) throw new ControlError(400, 'latencyMs is required for latency');
  ctx.state.faults.push({ kind, count, remaining: count, ...(method ? { method } : {}), ...(token ? { token } : {}),
    ...(channel ? { channel } : {}), ...(latencyMs ? { latencyMs } : {}) });
  return {};
}

/** Disarms every fault, leaving the rest of the state alone. */
export function clearFaults(ctx: SimContext): unknown {
  ctx.state.faults = [];
  return {};
}

const TIERS: Tier[] = [1, 2, 3, 4, 'postMessage'];

function rateLimitConfig(value: unknown): RateLimitConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ControlError(400, 'config must be an object');
  const config = value as RateLimitConfig;
  for (const [tier, perMinute] of Object.entries(config.perMinute ?? {})) {
    if (!['1', '2', '3', '4'].includes(tier) || typeof perMinute !== 'number' || perMinute <= 0) {
      throw new ControlError(400, `config.perMinute must map tiers 1-4 to positive numbers (got ${tier}: ${String(perMinute)})`);
    }
  }
  for (const [method, tier] of Object.entries(config.methodTiers ?? {})) {
    if (!(method in METHOD_TIERS)) throw new ControlError(400, `config.methodTiers names an unknown method ${method}`);
    if (!TIERS.includes(tier)) throw new ControlError(400, `config.methodTiers.${method} must be 1, 2, 3, 4 or "postMessage"`);
  }
  return config;
}

export function rateLimits(ctx: SimContext, body: Params): unknown {
  if (typeof body.on !== 'boolean') throw new ControlError(400, 'on must be true or false');
  const config = body.config === undefined ? undefined : rateLimitConfig(body.config);
  ctx.limiter.enabled = body.on;
  if (config) ctx.limiter.config = config;
  ctx.limiter.reset();
  return {};
}

/** `POST /_sim/event-retries {on?, delaysMs?}`: turns event retries on or off and sets their delays. */
export function eventRetries(ctx: SimContext, body: Params): unknown {
  const { on, delaysMs } = body;
  if (on !== undefined && typeof on !== 'boolean') throw new ControlError(400, 'on must be true or false');
  if (delaysMs !== undefined && (!Array.isArray(delaysMs) || delaysMs.length === 0
    || delaysMs.some((d) => typeof d !== 'number' || !Number.isFinite(d) || d < 0))) {
    throw new ControlError(400, 'delaysMs must be a non-empty array of non-negative milliseconds');
  }
  const options = ctx.deliverer.options;
  if (typeof on === 'boolean') options.eventRetries = on;
  if (Array.isArray(delaysMs)) options.retryDelaysMs = delaysMs as number[];
  return { on: options.eventRetries, delaysMs: options.retryDelaysMs };
}
