import type { SimContext } from '../context.js';
import type { Params } from '../http-util.js';
import { ControlError, conversation, str } from './input.js';

export function messages(ctx: SimContext, q: Params): unknown {
  const conv = conversation(ctx, str(q, 'channel'));
  return { messages: ctx.state.sortedMessages(conv) };
}

export function conversationInfo(ctx: SimContext, q: Params): unknown {
  return { conversation: ctx.state.publicConversation(conversation(ctx, str(q, 'channel'))) };
}

export function channelByName(ctx: SimContext, q: Params): unknown {
  const teamId = str(q, 'teamId');
  const name = str(q, 'name');
  const conv = [...ctx.state.conversations.values()].find((c) => c.team === teamId && c.name === name);
  return { conversation: conv ? ctx.state.publicConversation(conv) : null };
}

export function dmChannel(ctx: SimContext, q: Params): unknown {
  const conv = ctx.state.findDm(str(q, 'teamId'), str(q, 'userId'), str(q, 'botUserId'));
  return { channel: conv?.id ?? null };
}

export function ephemerals(ctx: SimContext, q: Params): unknown {
  const channel = typeof q.channel === 'string' ? q.channel : undefined;
  return { ephemerals: ctx.state.ephemerals.filter((e) => !channel || e.channel === channel) };
}

export function responseUrlReplies(ctx: SimContext, q: Params): unknown {
  const url = typeof q.responseUrl === 'string' ? q.responseUrl : undefined;
  return { replies: ctx.state.responseReplies.filter((r) => !url || r.responseUrl === url) };
}

export function files(ctx: SimContext): unknown {
  return { files: [...ctx.state.files.values()].map(({ created: _created, ...file }) => file) };
}

export function deliveries(ctx: SimContext, q: Params): unknown {
  const appId = typeof q.appId === 'string' ? q.appId : undefined;
  const kind = typeof q.kind === 'string' ? q.kind : undefined;
  const transport = typeof q.transport === 'string' ? q.transport : undefined;
  if (kind && !['event', 'slash', 'interactive'].includes(kind)) {
    throw new ControlError(400, 'kind must be event, slash or interactive');
  }
  if (transport && !['http', 'socket'].includes(transport)) throw new ControlError(400, 'transport must be http or socket');
  return { deliveries: ctx.state.deliveries.filter((d) => (!appId || d.appId === appId) && (!kind || d.kind === kind)
    && (!transport || d.transport === transport)) };
}

/** Everything at once, for a person poking at a running simulator with curl. */
export function overview(ctx: SimContext): unknown {
  const { state } = ctx;
  return {
    workspaces: [...state.workspaces.values()],
    users: [...state.users.values()],
    apps: [...state.apps.values()].map(({ signingSecret: _secret, verificationToken: _token, ...a }) => a),
    conversations: [...state.conversations.values()].map((c) => state.publicConversation(c)),
  };
}
