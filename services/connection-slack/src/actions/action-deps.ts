import type { HandlerContext } from '@connectrpc/connect';
import type { WebAPICallResult } from '@slack/web-api';
import type { Logger } from '@megatron/runtime';
import { callDeadline, slackToken } from '../rpc/context-keys.js';
import type { SlackCaller } from '../slack/slack-caller.js';

export interface ActionDeps {
  slack: SlackCaller;
  logger: Logger;
  /** Used only when a handler runs without the deadline interceptor. */
  defaultDeadlineMs: number;
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
