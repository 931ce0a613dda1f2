import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PlatformType } from '@megatron/contracts';
import { secretsEqual, type Logger } from '@megatron/runtime';
import { appCommandsHandler } from './app-commands.js';
import type { Config } from './config.js';
import { header, HttpError, readBody, sendJson } from './http.js';
import { createMegatronClient, type MegatronClient } from './megatron-client.js';
import { slackEventsHandler } from './slack-events.js';
import { slackInteractiveHandler } from './slack-interactive.js';
import { BotState } from './state.js';
import { Workspaces } from './workspaces.js';

export interface SupportBot {
  url: string;
  state: BotState;
  workspaces: Workspaces;
  /** Tells Megatron about every workspace the bot is installed in (create or token update). */
  registerWorkspaces(): Promise<void>;
  close(): Promise<void>;
}

type Route = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

export async function startSupportBot(config: Config, logger: Logger, host = '127.0.0.1'): Promise<SupportBot> {
  const workspaces = new Workspaces(config.SUPPORT_BOT_WORKSPACES, config.SLACK_API_URL);
  const state = new BotState();
  const megatron = createMegatronClient(config.MEGATRON_API_URL, config.MEGATRON_API_TOKEN);
  const routes: Record<string, Route> = {
    'POST /slack/events': slackEventsHandler({ workspaces, megatron, state, logger }),
    'POST /slack/interactive': slackInteractiveHandler({ workspaces, megatron, logger }),
    'POST /megatron/commands': appCommandsHandler({
      webhookSecret: config.MEGATRON_WEBHOOK_SECRET,
      verificationToken: config.MEGATRON_VERIFICATION_TOKEN,
      workspaces,
      megatron,
      state,
      logger,
    }),
    'GET /healthz': async (_req, res) => sendJson(res, 200, { ok: true }),
  };

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const tokenRoute = /^\/admin\/workspaces\/([A-Z0-9]+)\/token$/.exec(path);
    const route =
      req.method === 'POST' && tokenRoute ? rotateTokenRoute(config, workspaces, megatron, tokenRoute[1]!) : routes[`${req.method} ${path}`];
    if (!route) return sendJson(res, 404, { ok: false, error: 'not_found' });
    route(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : error instanceof SyntaxError ? 400 : 500;
      if (status === 500) logger.error({ err: error, path }, 'request failed');
      if (!res.headersSent) sendJson(res, status, { ok: false, error: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(config.PORT, host, resolve));
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  logger.info({ url }, 'support bot listening');

  return {
    url,
    state,
    workspaces,
    registerWorkspaces: () => registerAll(workspaces, megatron),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function registerAll(workspaces: Workspaces, megatron: MegatronClient): Promise<void> {
  for (const workspace of workspaces.all()) {
    await megatron.registerWorkspace({
      name: workspace.name,
      platform: PlatformType.SLACK,
      platformId: workspace.teamId,
      domain: workspace.domain,
      connectionToken: workspace.botToken,
    });
  }
}

/**
 * Stands in for an OAuth reinstall in the sandbox: the bot learns a new token and, like a real
 * app would, can answer Megatron's refresh_workspace with it.
 */
function rotateTokenRoute(config: Config, workspaces: Workspaces, megatron: MegatronClient, teamId: string): Route {
  return async (req, res) => {
    if (!config.SUPPORT_BOT_ADMIN_TOKEN || !secretsEqual(header(req, 'authorization') ?? '', `Bearer ${config.SUPPORT_BOT_ADMIN_TOKEN}`)) {
      throw new HttpError(401, 'admin token required');
    }
    const body = JSON.parse((await readBody(req)).toString('utf8')) as { botToken?: unknown; notifyMegatron?: unknown };
    if (typeof body.botToken !== 'string' || !body.botToken) throw new HttpError(400, 'missing botToken');
    if (!workspaces.rotateToken(teamId, body.botToken)) throw new HttpError(404, `unknown workspace ${teamId}`);
    if (body.notifyMegatron === true) await registerAll(workspaces, megatron);
    sendJson(res, 200, { ok: true });
  };
}
