import type { Deliverer } from './delivery.js';
import type { RateLimiter } from './rate-limits.js';
import type { Sleeps } from './sleeps.js';
import type { SocketHub } from './socket-mode/hub.js';
import type { SimState } from './state.js';

/**
 * What every handler needs: the state, the outbound deliverer, Socket Mode connections, the rate limiter,
 * cancellable waits and the public base URL.
 */
export interface SimContext {
  state: SimState;
  deliverer: Deliverer;
  sockets: SocketHub;
  limiter: RateLimiter;
  sleeps: Sleeps;
  baseUrl: string;
}
