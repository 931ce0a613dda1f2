import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@megatron/runtime';
import { verify, verifyLegacyToken, WebhookVerificationError } from '@megatron/webhook-verifier';
import { HttpError, readBody, sendJson } from './http.js';
import type { MegatronClient } from './megatron-client.js';
import { searchUsers } from './search-users.js';
import type { BotState } from './state.js';
import type { Workspaces } from './workspaces.js';

/** The body of an app command (SPEC §7), as Megatron sends it. */
interface AppCommandBody {
  command: string;
  megatron_verification_token?: string;
  user_id?: string;
  team_id?: string;
  channel_id?: string;
  paused?: boolean;
  platform_user_id?: string;
  platform_channel_id?: string;
  message?: string;
  targeted_user_name?: string;
  workspace_platform_id?: string;
}

export interface AppCommandDeps {
  webhookSecret: string;
  verificationToken: string | undefined;
  workspaces: Workspaces;
  megatron: MegatronClient;
  state: BotState;
  logger: Logger;
}

/**
 * POST /megatron/commands: Megatron's app commands, verified (Standard Webhooks signature, and the
 * legacy token when configured) before anything is done. `webhook-id` is the idempotency key: a
 * retried command carries the same id and is answered without acting twice.
 */
export function appCommandsHandler(deps: AppCommandDeps) {
  const seen = new Set<string>();
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawBody = await readBody(req);
    let webhookId: string;
    try {
      webhookId = verify(rawBody, req.headers, deps.webhookSecret).id;
    } catch (error) {
      if (error instanceof WebhookVerificationError) throw new HttpError(401, error.message);
      throw error;
    }
    const body = JSON.parse(rawBody.toString('utf8')) as AppCommandBody;
    if (deps.verificationToken !== undefined && !verifyLegacyToken(body.megatron_verification_token, deps.verificationToken)) {
      throw new HttpError(401, 'megatron_verification_token does not match');
    }
    if (seen.has(webhookId) && !['search_user', 'refresh_workspace'].includes(body.command)) return sendJson(res, 200, { ok: true });
    const answer = await act(deps, body);
    seen.add(webhookId);
    sendJson(res, 200, answer);
  };
}

async function act(deps: AppCommandDeps, body: AppCommandBody): Promise<unknown> {
  switch (body.command) {
    case 'pause':
      deps.state.setPaused(required(body.team_id, 'team_id'), required(body.user_id, 'user_id'), body.paused === true);
      return { ok: true };
    case 'clear-context':
      deps.state.clearContext(required(body.team_id, 'team_id'), required(body.platform_user_id ?? body.user_id, 'platform_user_id'));
      return { ok: true };
    case 'search_user':
      return { users: await searchUsers(deps.workspaces, required(body.targeted_user_name, 'targeted_user_name')) };
    case 'refresh_workspace': {
      const workspace = deps.workspaces.get(required(body.workspace_platform_id, 'workspace_platform_id'));
      if (!workspace) throw new HttpError(404, `unknown workspace ${body.workspace_platform_id}`);
      return { ok: true, data: { name: workspace.name, domain: workspace.domain, connection_token: workspace.botToken } };
    }
    case 'push_message':
      await pushMessage(deps, body);
      return { ok: true };
    default:
      throw new HttpError(400, `unknown command ${body.command}`);
  }
}

/** The bot says what the agent asked it to say, and mirrors it like any reply. */
async function pushMessage(deps: AppCommandDeps, body: AppCommandBody): Promise<void> {
  const teamId = required(body.team_id, 'team_id');
  const userId = required(body.platform_user_id, 'platform_user_id');
  const workspace = deps.workspaces.get(teamId);
  if (!workspace) throw new HttpError(404, `unknown workspace ${teamId}`);
  const text = required(body.message, 'message');
  const posted = await workspace.client.chat.postMessage({ channel: required(body.platform_channel_id, 'platform_channel_id'), text });
  await deps.megatron.outgoing({ message: { teamId, userId, ts: posted.ts ?? '', content: { text } } });
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new HttpError(400, `missing ${name}`);
  return value;
}
