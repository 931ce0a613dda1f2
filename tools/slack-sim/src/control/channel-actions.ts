import {
  type Actor, archiveChannel, deleteChannel, removeMember, unarchiveChannel,
} from '../channel-lifecycle.js';
import type { SimContext } from '../context.js';
import type { Params } from '../http-util.js';
import type { ConversationRecord } from '../state.js';
import { ControlError, conversation, str, teamUser } from './input.js';

/** A person (or a bot user) acting on a channel of their workspace, as a Slack client would. */
function actingOn(ctx: SimContext, body: Params): { conv: ConversationRecord; actor: Actor } {
  const teamId = str(body, 'teamId');
  const user = teamUser(ctx, teamId, str(body, 'userId'));
  const conv = conversation(ctx, str(body, 'channel'), teamId);
  if (conv.is_im) throw new ControlError(400, `${conv.id} is a DM; only channels are archived, deleted or left`);
  if (conv.is_private && !conv.members.has(user.id)) throw new ControlError(400, `user ${user.id} cannot see ${conv.id}`);
  const app = user.isBot ? ctx.state.appByBotUser(user.id) : undefined;
  return { conv, actor: { userId: user.id, ...(app ? { app } : {}) } };
}

export async function archiveChannelAction(ctx: SimContext, body: Params): Promise<unknown> {
  const { conv, actor } = actingOn(ctx, body);
  if (conv.is_archived) throw new ControlError(409, `${conv.id} is already archived`);
  return { eventId: await archiveChannel(ctx, conv, actor) };
}

export async function unarchiveChannelAction(ctx: SimContext, body: Params): Promise<unknown> {
  const { conv, actor } = actingOn(ctx, body);
  if (!conv.is_archived) throw new ControlError(409, `${conv.id} is not archived`);
  return { eventId: await unarchiveChannel(ctx, conv, actor) };
}

export async function deleteChannelAction(ctx: SimContext, body: Params): Promise<unknown> {
  const { conv, actor } = actingOn(ctx, body);
  return { eventId: await deleteChannel(ctx, conv, actor) };
}

/** Like conversations.kick by a person in the channel. */
export async function removeFromChannelAction(ctx: SimContext, body: Params): Promise<unknown> {
  const { conv, actor } = actingOn(ctx, body);
  const removed = teamUser(ctx, conv.team, str(body, 'removeUserId'));
  if (removed.id === actor.userId) throw new ControlError(400, 'a user cannot remove themselves; that is leaving');
  if (!conv.members.has(actor.userId)) throw new ControlError(400, `user ${actor.userId} is not in ${conv.id}`);
  if (!conv.members.has(removed.id)) throw new ControlError(409, `user ${removed.id} is not in ${conv.id}`);
  return { eventId: await removeMember(ctx, conv, removed.id, actor) };
}
