import { type MethodHandler, paginate, requireString, workspaceUser } from './call.js';
import { SlackApiError } from './errors.js';
import { userObject } from './shapes.js';

const authTest: MethodHandler = (call) => {
  const { state } = call.ctx;
  const ws = state.workspaces.get(call.token.teamId);
  const user = state.user(call.token.teamId, call.token.userId);
  if (!ws || !user) throw new SlackApiError('invalid_auth');
  return { url: `https://${ws.domain}.slack.com/`, team: ws.name, user: user.name, team_id: ws.id, user_id: user.id,
    ...(user.botId ? { bot_id: user.botId } : {}), is_enterprise_install: false };
};

const usersInfo: MethodHandler = (call) => {
  const user = workspaceUser(call, requireString(call, 'user'));
  const ws = call.ctx.state.workspaces.get(user.teamId);
  if (!ws) throw new SlackApiError('user_not_found');
  return { user: userObject(user, ws, call.ctx.state.now()) };
};

const usersList: MethodHandler = (call) => {
  const { state } = call.ctx;
  const ws = state.workspaces.get(call.token.teamId);
  if (!ws) throw new SlackApiError('invalid_auth');
  const all = [...state.users.values()].filter((u) => u.teamId === ws.id);
  const { page, nextCursor } = paginate(call, all, 200);
  return { members: page.map((u) => userObject(u, ws, state.now())), cache_ts: state.nowSeconds(),
    response_metadata: { next_cursor: nextCursor } };
};

export const authAndUserMethods: Record<string, MethodHandler> = {
  'auth.test': authTest,
  'users.info': usersInfo,
  'users.list': usersList,
};
