import { repliesOf, threadParent } from '../threads.js';
import { type MethodHandler, optionalBoolean, paginate, requireConversation, requireString } from './call.js';
import { historyPageCap, inTimeWindow } from './conversations.js';
import { SlackApiError } from './errors.js';
import { messageForApi } from './shapes.js';

/**
 * conversations.replies: the thread's parent first, then its replies oldest first. `ts` may name the parent or
 * any reply; an unthreaded message comes back alone (docs.slack.dev/reference/methods/conversations.replies).
 */
const replies: MethodHandler = (call) => {
  const conv = requireConversation(call);
  if (!conv.members.has(call.token.userId)) throw new SlackApiError('not_in_channel');
  const parent = threadParent(conv, requireString(call, 'ts'));
  if (!parent) throw new SlackApiError('thread_not_found');
  const inWindow = inTimeWindow(call);
  const thread = [parent, ...repliesOf(conv, parent.ts).filter(inWindow)];
  const { page, nextCursor } = paginate(call, thread, 1000, historyPageCap(call));
  const withMetadata = optionalBoolean(call, 'include_all_metadata');
  return { messages: page.map((m) => messageForApi(m, withMetadata)), has_more: nextCursor !== '',
    ...(nextCursor ? { response_metadata: { next_cursor: nextCursor } } : {}) };
};

export const threadMethods: Record<string, MethodHandler> = {
  'conversations.replies': replies,
};
