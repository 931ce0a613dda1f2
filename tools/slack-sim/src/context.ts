import type { Deliverer } from './delivery.js';
import type { RateLimiter } from './rate-limits.js';
import type { Sleeps } from './sleeps.js';
import type { SocketHub } from './socket-mode/hub.js';
import type { SimState } from './state.js';

/**
 * What every handler needs: the state, the outbound deliverer, Socket Mode connections, the rate limiter,
 * cancellable waits, the public base URL and whether events are awaited.
 */
export interface SimContext {
  state: SimState;
  deliverer: Deliverer;
  sockets: SocketHub;
  limiter: RateLimiter;
  sleeps: Sleeps;
  baseUrl: string;
  /**
   * Whether a call that causes events waits for each app's first attempt. Control calls do (tests and load
   * generators pace on it); the Web API and response_url answer at once and deliver in the background, as Slack does.
   */
  awaitEvents: boolean;
}
