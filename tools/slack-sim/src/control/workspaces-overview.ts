import type { SimContext } from '../context.js';
import type { ConversationRecord, UserRecord, WorkspaceRecord } from '../state.js';

function person(user: UserRecord | undefined, id: string): Record<string, unknown> {
  if (!user) return { id };
  return { id: user.id, name: user.name, realName: user.realName, displayName: user.displayName,
    image72: user.image72, isBot: user.isBot, tz: user.tz, ...(user.appId ? { appId: user.appId } : {}) };
}

function channelSummary(conv: ConversationRecord): Record<string, unknown> {
  return { id: conv.id, name: conv.name, isPrivate: conv.is_private, isArchived: conv.is_archived,
    members: [...conv.members], messageCount: conv.messages.length, pinCount: conv.pins.size };
}

/** A DM is between a person and a bot (the simulator opens no other kind). */
function dmSummary(ctx: SimContext, conv: ConversationRecord): Record<string, unknown> {
  const [a, b] = [...conv.members].map((id) => ctx.state.user(conv.team, id));
  const bot = [a, b].find((u) => u?.isBot);
  const human = [a, b].find((u) => u && !u.isBot);
  return { id: conv.id, isArchived: conv.is_archived, messageCount: conv.messages.length,
    user: person(human, conv.user ?? ''), bot: person(bot, bot?.id ?? '') };
}

function workspaceSummary(ctx: SimContext, ws: WorkspaceRecord): Record<string, unknown> {
  const { state } = ctx;
  const conversations = [...state.conversations.values()].filter((c) => c.team === ws.id);
  return {
    id: ws.id, name: ws.name, domain: ws.domain,
    channels: conversations.filter((c) => !c.is_im).map(channelSummary),
    dms: conversations.filter((c) => c.is_im).map((c) => dmSummary(ctx, c)),
    users: [...state.users.values()].filter((u) => u.teamId === ws.id).map((u) => person(u, u.id)),
    apps: [...state.apps.values()].filter((a) => a.teamId === ws.id).map((a) => ({ appId: a.appId, name: a.name,
      botUserId: a.botUserId, botId: a.botId, socketMode: a.socketMode, historyLimited: a.historyLimited,
      socketConnections: ctx.sockets.list(a.appId).length })),
  };
}

/** `GET /_sim/workspaces-overview`: what a UI's sidebar shows, one workspace after another. */
export function workspacesOverview(ctx: SimContext): unknown {
  return { workspaces: [...ctx.state.workspaces.values()].map((ws) => workspaceSummary(ctx, ws)) };
}
