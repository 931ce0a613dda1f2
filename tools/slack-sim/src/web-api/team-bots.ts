import { type MethodHandler, optionalString, requireString } from './call.js';
import { SlackApiError } from './errors.js';
import { botObject, teamObject } from './shapes.js';

const teamInfo: MethodHandler = (call) => {
  const teamId = optionalString(call, 'team') ?? call.token.teamId;
  const ws = call.ctx.state.workspaces.get(teamId);
  if (!ws || teamId !== call.token.teamId) throw new SlackApiError('team_not_found');
  return { team: teamObject(ws) };
};

const botsInfo: MethodHandler = (call) => {
  const botId = requireString(call, 'bot');
  const app = [...call.ctx.state.apps.values()].find((a) => a.botId === botId && a.teamId === call.token.teamId);
  if (!app) throw new SlackApiError('bot_not_found');
  return { bot: botObject(app, call.ctx.state.user(app.teamId, app.botUserId)) };
};

export const teamAndBotMethods: Record<string, MethodHandler> = {
  'team.info': teamInfo,
  'bots.info': botsInfo,
};
