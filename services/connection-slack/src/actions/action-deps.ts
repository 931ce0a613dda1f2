import { Code, ConnectError, type HandlerContext } from '@connectrpc/connect';
import type { WebAPICallResult } from '@slack/web-api';
import { hasOrigin, SLACK_FILE_HOST, SLACK_HOOKS_HOST, slackOrigins, type Logger } from '@megatron/runtime';
import { callDeadline, slackToken } from '../rpc/context-keys.js';
import type { SlackCaller } from '../slack/slack-caller.js';
import type { AfterPostReactions } from './after-post-reactions.js';

export interface ActionDeps {
  slack: SlackCaller;
  logger: Logger;
  /** Used only when a handler runs without the deadline interceptor. */
  defaultDeadlineMs: number;
  /** Where Slack URLs outside the Web API may point (see requireSlackUrl). */
  slackUrls: SlackUrlOrigins;
  /** Receipts that ride on posts. */
  receipts: AfterPostReactions;
}

export interface SlackUrlOrigins {
  /** url_private and upload URLs: the only places a file is fetched from (with a token) or sent to. */
  files: string[];
  /** response_url. */
  hooks: string[];
}

export function slackUrlOrigins(slackApiUrl: string): SlackUrlOrigins {
  return { files: slackOrigins(slackApiUrl, SLACK_FILE_HOST), hooks: slackOrigins(slackApiUrl, SLACK_HOOKS_HOST) };
}

/**
 * A URL handed in by a caller is fetched only when it is Slack's: a bot token must never travel elsewhere,
 * and nothing may turn this service into a way to reach internal addresses.
 */
export function requireSlackUrl(url: string, origins: string[], field: string): string {
  if (hasOrigin(url, origins)) return url;
  throw new ConnectError(`${field} is not on Slack (${origins.join(', ')}); it was not fetched`, Code.InvalidArgument);
}

export type CallSlack = <T extends WebAPICallResult>(
  method: string,
  args: Record<string, unknown>,
  options?: { orderedChannel?: string; token?: string },
) => Promise<T>;

/** Slack calls on behalf of one RPC: its token (x-slack-token unless given) and its deadline. */
export function slackFor(deps: ActionDeps, context: HandlerContext): CallSlack {
  const deadline = callDeadline(context, deps.defaultDeadlineMs);
  return (method, args, options = {}) =>
    deps.slack.call({
      token: options.token ?? slackToken(context),
      method,
      args,
      deadline,
      ...(options.orderedChannel ? { orderedChannel: options.orderedChannel } : {}),
    });
}
