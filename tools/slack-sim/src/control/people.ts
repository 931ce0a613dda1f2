import type { SimContext } from '../context.js';
import type { Params } from '../http-util.js';
import type { AppOptions } from '../state.js';
import { DEFAULT_TZ, isTimeZone } from '../time-zones.js';
import type { SlashCommandRoute } from '../types.js';
import { ControlError, app, optBool, optStr, optUrl, str, workspace } from './input.js';

const DOMAIN = /^[a-z0-9][a-z0-9-]{0,20}$/;
// Fixed ids let tests give two workspaces the same user id, which Slack allows across teams.
const USER_ID = /^[UW][A-Z0-9]{2,20}$/;

function slashCommands(body: Params): SlashCommandRoute[] | undefined {
  const value = body.slashCommands;
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new ControlError(400, 'slashCommands must be an array of {command, url}');
  return value.map((entry: unknown, i) => {
    const item = (entry ?? {}) as Params;
    const command = str(item, 'command');
    if (!/^\/[a-z0-9_-]+$/.test(command)) throw new ControlError(400, `slashCommands[${i}].command must look like /name`);
    const url = optUrl(item, 'url');
    return url ? { command, url } : { command };
  });
}

function eventTypes(body: Params): string[] | undefined {
  const value = body.events;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
    throw new ControlError(400, 'events must be an array of event type names');
  }
  return value as string[];
}

/** The app settings createApp and updateApp share; undefined where the body does not set them. */
function appOptions(body: Params): AppOptions {
  const historyLimited = optBool(body, 'historyLimited');
  const socketMode = optBool(body, 'socketMode');
  const events = eventTypes(body);
  return { ...(historyLimited !== undefined ? { historyLimited } : {}),
    ...(socketMode !== undefined ? { socketMode } : {}), ...(events ? { events } : {}) };
}

/** Over HTTP every command needs a URL; an app in Socket Mode receives commands over its connections. */
function checkCommandUrls(commands: SlashCommandRoute[], socketMode: boolean): void {
  const missing = commands.find((c) => !c.url);
  if (missing && !socketMode) throw new ControlError(400, `slash command ${missing.command} needs a url unless socketMode is on`);
}

export function createWorkspace(ctx: SimContext, body: Params): unknown {
  const name = str(body, 'name');
  const domain = str(body, 'domain');
  if (!DOMAIN.test(domain)) throw new ControlError(400, `domain must be lowercase letters, digits and hyphens (got ${domain})`);
  if ([...ctx.state.workspaces.values()].some((w) => w.domain === domain)) {
    throw new ControlError(409, `domain ${domain} is already taken`);
  }
  return ctx.state.addWorkspace(name, domain);
}

export function createUser(ctx: SimContext, body: Params): unknown {
  const teamId = str(body, 'teamId');
  const name = str(body, 'name');
  workspace(ctx, teamId);
  if ([...ctx.state.users.values()].some((u) => u.teamId === teamId && u.name === name)) {
    throw new ControlError(409, `user name ${name} is already taken in ${teamId}`);
  }
  const id = optStr(body, 'id');
  if (id !== undefined) {
    if (!USER_ID.test(id)) throw new ControlError(400, `id must look like a Slack user id (U or W, then 2–20 of A-Z 0-9), got ${id}`);
    if (ctx.state.user(teamId, id)) throw new ControlError(409, `user id ${id} is already taken in ${teamId}`);
  }
  const email = optStr(body, 'email');
  const tz = optStr(body, 'tz') ?? DEFAULT_TZ;
  if (!isTimeZone(tz)) throw new ControlError(400, `tz must be an IANA time zone such as Europe/Berlin, got ${tz}`);
  const user = ctx.state.addUser({ teamId, name, realName: optStr(body, 'realName') ?? name,
    displayName: optStr(body, 'displayName') ?? '', isBot: false, tz, ...(email ? { email } : {}), ...(id ? { id } : {}) });
  const token = ctx.state.issueToken('user', teamId, user.id);
  return { id: user.id, teamId, name, realName: user.realName, displayName: user.displayName, image72: user.image72,
    tz, token };
}

export function createApp(ctx: SimContext, body: Params): unknown {
  const teamId = str(body, 'teamId');
  const name = str(body, 'name');
  workspace(ctx, teamId);
  const signingSecret = optStr(body, 'signingSecret');
  const eventsUrl = optUrl(body, 'eventsUrl');
  const interactivityUrl = optUrl(body, 'interactivityUrl');
  const commands = slashCommands(body);
  const options = appOptions(body);
  checkCommandUrls(commands ?? [], options.socketMode ?? false);
  const { app: record, botToken } = ctx.state.addApp({ teamId, name, ...options,
    ...(signingSecret ? { signingSecret } : {}), ...(eventsUrl ? { eventsUrl } : {}),
    ...(interactivityUrl ? { interactivityUrl } : {}), ...(commands ? { slashCommands: commands } : {}) });
  return { appId: record.appId, botUserId: record.botUserId, botId: record.botId, botToken,
    signingSecret: record.signingSecret, teamId, verificationToken: record.verificationToken };
}

export function updateApp(ctx: SimContext, body: Params): unknown {
  const record = app(ctx, str(body, 'appId'));
  const eventsUrl = optUrl(body, 'eventsUrl');
  const interactivityUrl = optUrl(body, 'interactivityUrl');
  const commands = slashCommands(body);
  const options = appOptions(body);
  checkCommandUrls(commands ?? record.slashCommands, options.socketMode ?? record.socketMode);
  if (eventsUrl !== undefined) record.eventsUrl = eventsUrl;
  if (interactivityUrl !== undefined) record.interactivityUrl = interactivityUrl;
  if (commands !== undefined) record.slashCommands = commands;
  if (options.historyLimited !== undefined) record.historyLimited = options.historyLimited;
  if (options.events !== undefined) record.events = options.events;
  if (body.events === null) delete record.events;
  if (options.socketMode !== undefined) {
    // Turning Socket Mode off in the app config ends its connections with link_disabled.
    if (record.socketMode && !options.socketMode) ctx.sockets.disconnect(record.appId, 'link_disabled');
    record.socketMode = options.socketMode;
  }
  return {};
}

export function revokeToken(ctx: SimContext, body: Params): unknown {
  const token = ctx.state.tokens.get(str(body, 'token'));
  if (!token) throw new ControlError(404, 'unknown token');
  token.revoked = true;
  return {};
}

export function issueBotToken(ctx: SimContext, body: Params): unknown {
  const record = app(ctx, str(body, 'appId'));
  return { botToken: ctx.state.issueToken('bot', record.teamId, record.botUserId, record.appId) };
}

/** An app-level token (`xapp-1-...`), what an app needs for apps.connections.open. */
export function issueAppToken(ctx: SimContext, body: Params): unknown {
  return { appToken: ctx.state.issueAppToken(app(ctx, str(body, 'appId'))) };
}
