import type { Deliverer } from './delivery.js';
import type { RateLimiter } from './rate-limits.js';
import type { SimState } from './state.js';

/** What every handler needs: the state, the outbound deliverer, the rate limiter and the public base URL. */
export interface SimContext {
  state: SimState;
  deliverer: Deliverer;
  limiter: RateLimiter;
  baseUrl: string;
}
