import { createContextKey, type HandlerContext } from '@connectrpc/connect';
import { Code, ConnectError } from '@connectrpc/connect';
import { SLACK_SOURCE_TOKEN_HEADER, SLACK_TOKEN_HEADER } from '@megatron/contracts';
import { CallDeadline } from './call-deadline.js';


export const slackTokenKey = createContextKey<string | undefined>(undefined, { description: 'Slack token of the workspace acted on' });
export const sourceTokenKey = createContextKey<string | undefined>(undefined, { description: 'Slack token of the workspace a file comes from' });
export const deadlineKey = createContextKey<CallDeadline | undefined>(undefined, { description: 'budget of this call' });

export function slackToken(context: HandlerContext): string {
  const token = context.values.get(slackTokenKey);
  if (!token) throw new ConnectError(`the ${SLACK_TOKEN_HEADER} metadata is missing`, Code.Unauthenticated);
  return token;
}

export function sourceToken(context: HandlerContext): string {
  const token = context.values.get(sourceTokenKey);
  if (!token) throw new ConnectError(`the ${SLACK_SOURCE_TOKEN_HEADER} metadata is missing`, Code.Unauthenticated);
  return token;
}

/** Set by the deadline interceptor; a handler run without it (unit use) gets the context's own signal. */
export function callDeadline(context: HandlerContext, fallbackMs: number): CallDeadline {
  return context.values.get(deadlineKey) ?? CallDeadline.in(context.timeoutMs() ?? fallbackMs, context.signal);
}
