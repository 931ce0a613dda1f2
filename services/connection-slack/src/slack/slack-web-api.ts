import type { WebAPICallResult } from '@slack/web-api';
import type { SlackClientCache } from './client-cache.js';
import type { LeanWebApi } from './lean-web-api.js';

/**
 * The hot path's writes: plain JSON arguments, one answer, no pagination or uploads. They go through the lean
 * client; every other method keeps the WebClient, which knows its encodings.
 */
const LEAN_METHODS = new Set([
  'chat.postMessage',
  'chat.postEphemeral',
  'chat.update',
  'chat.delete',
  'reactions.add',
  'reactions.remove',
  'conversations.open',
]);

/** Which client carries each Web API method: the one place that decides it. */
export class SlackWebApi {
  constructor(
    private readonly clients: SlackClientCache,
    private readonly lean: LeanWebApi,
    /** Where Web API calls go (Slack, or the simulator in tests). */
    readonly apiUrl: URL,
  ) {}

  call(token: string, method: string, args: Record<string, unknown>): Promise<WebAPICallResult> {
    if (LEAN_METHODS.has(method)) return this.lean.call(token, method, args);
    return this.clients.client(token).apiCall(method, args);
  }
}
