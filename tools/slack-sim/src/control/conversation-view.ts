import type { SimContext } from '../context.js';
import type { Params } from '../http-util.js';
import { parseTs } from '../ids.js';
import { isReply, repliesOf, threadParent } from '../threads.js';
import type { SimConversation, SimEphemeral, SimMessage } from '../types.js';
import { ControlError, conversation, optStr, str } from './input.js';

/** A browser tab re-reads the view on every change; a long-running sandbox must not make that heavy. */
const MAX_MESSAGES = 1000;

export interface ConversationView {
  conversation: SimConversation & { pinCount: number };
  /** What the channel shows, oldest first: top-level messages and broadcast replies, the newest MAX_MESSAGES. */
  messages: SimMessage[];
  /** Ephemerals shown to `viewer` here, oldest first; Slack shows them to nobody else. */
  ephemerals: SimEphemeral[];
  /** With `thread`: the parent, then its replies oldest first. */
  thread?: SimMessage[];
}

/**
 * `GET /_sim/conversation-view?channel=&viewer=&thread=`: one conversation as the person `viewer` sees it in a
 * Slack client, in one read, for the browser UI.
 */
export function conversationView(ctx: SimContext, q: Params): ConversationView {
  const conv = conversation(ctx, str(q, 'channel'));
  const viewer = optStr(q, 'viewer');
  const threadTs = optStr(q, 'thread');
  const inChannel = ctx.state.sortedMessages(conv).filter((m) => !isReply(m) || m.subtype === 'thread_broadcast');
  const ephemerals = viewer ? ctx.state.ephemerals.filter((e) => e.channel === conv.id && e.user === viewer) : [];
  let thread: SimMessage[] | undefined;
  if (threadTs) {
    const parent = threadParent(conv, threadTs);
    if (!parent) throw new ControlError(404, `no thread ${threadTs} in ${conv.id}`);
    thread = [parent, ...repliesOf(conv, parent.ts)];
  }
  return {
    conversation: { ...ctx.state.publicConversation(conv), pinCount: conv.pins.size },
    messages: inChannel.slice(-MAX_MESSAGES),
    ephemerals: [...ephemerals].sort((a, b) => Number((parseTs(a.ts) ?? 0n) - (parseTs(b.ts) ?? 0n))),
    ...(thread ? { thread } : {}),
  };
}
