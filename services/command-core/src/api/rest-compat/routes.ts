import type { CallOptions, Client } from '@connectrpc/connect';
import { PlatformType, type MegatronService } from '@megatron/contracts';
import { isBotMessage } from '@megatron/runtime';
import {
  isObject,
  messageContent,
  optionalString,
  requireArray,
  requireObject,
  requireString,
  slackFiles,
  type Json,
  type JsonObject,
} from './body.js';
import { feedback } from './feedback-route.js';
import { badParameter, missingParameter, RestError } from './rest-error.js';

export interface RestCall {
  body: JsonObject;
  /** The path segment after the route name, e.g. the user id of `message/<user_id>/`. */
  parameter: string | undefined;
  query: URLSearchParams;
  client: Client<typeof MegatronService>;
  /** The caller's headers and the organization it was authenticated as, passed on to every call. */
  options: CallOptions;
}

export type RestRoute = (call: RestCall) => Promise<JsonObject>;

function platformOf(value: string, name: string): PlatformType {
  // The original took the enum member name (`slack`, any case).
  if (value.toLowerCase() === 'slack') return PlatformType.SLACK;
  throw badParameter(name, `unknown platform type ${JSON.stringify(value)}; expected "slack"`);
}

function teamOf(body: JsonObject, message: JsonObject | undefined, name: string): string {
  return optionalString(body, 'team_id') ?? (message ? optionalString(message, 'team', `${name}.team`) : undefined) ?? '';
}

// The original API recognised Megatron's own forwarded copies by their footer and never mirrored them back.
function sentByMegatron(message: JsonObject): boolean {
  const attachments = message.attachments;
  if (!Array.isArray(attachments)) return false;
  const last = attachments.at(-1);
  return isObject(last) && typeof last.footer === 'string' && last.footer.startsWith('sent by');
}

const incoming: RestRoute = async ({ body, client, options }) => {
  const message = requireObject(body, 'message');
  const { result } = await client.incoming(
    {
      message: {
        teamId: teamOf(body, message, 'message'),
        userId: requireString(message, 'user', 'message.user'),
        ts: requireString(message, 'ts', 'message.ts'),
        content: messageContent(message, 'message'),
        files: slackFiles(message, 'message'),
      },
    },
    options,
  );
  return { ok: true, track: result?.track ?? false };
};

const outgoing: RestRoute = async ({ body, client, options }) => {
  const user = requireString(body, 'user');
  const message = requireObject(body, 'message');
  const ts = optionalString(body, 'ts') ?? optionalString(message, 'ts', 'message.ts');
  if (ts === undefined || ts === '') throw missingParameter('ts');
  const { result } = await client.outgoing(
    {
      message: {
        teamId: teamOf(body, message, 'message'),
        userId: user,
        ts,
        content: messageContent(message, 'message'),
        files: slackFiles(message, 'message'),
      },
    },
    options,
  );
  return { ok: true, track: result?.track ?? false };
};

const edit: RestRoute = async ({ body, client, options }) => {
  const message = requireObject(body, 'message');
  const previous = requireObject(body, 'previous_message');
  const ts = requireString(previous, 'ts', 'previous_message.ts');
  if (sentByMegatron(message)) return { ok: true, track: false };
  const fromBot = isBotMessage(message);
  // A bot's message carries the bot as its user, so the customer comes from the top-level `user`.
  const user = optionalString(body, 'user') ?? (fromBot ? undefined : optionalString(message, 'user', 'message.user'));
  if (user === undefined || user === '') throw missingParameter(fromBot ? 'user' : 'message.user');
  const { result } = await client.edit(
    { fromBot, message: { teamId: teamOf(body, message, 'message'), userId: user, ts, content: messageContent(message, 'message') } },
    options,
  );
  return { ok: true, track: result?.track ?? false };
};

function broadcastText(body: JsonObject): JsonObject {
  const text = body.text;
  if (text === undefined || text === null || text === '') throw missingParameter('text');
  if (isObject(text)) return text;
  if (typeof text !== 'string') throw badParameter('text', 'expected a JSON-encoded Slack message');
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    throw new RestError(400, 'Malformed JSON in text');
  }
  if (!isObject(parsed)) throw new RestError(400, 'Malformed JSON in text: expected a Slack message object');
  return parsed;
}

const broadcast: RestRoute = async ({ body, client, options }) => {
  const message = broadcastText(body);
  const audiences = requireArray(body, 'broadcasts').map((entry, index) => {
    const name = `broadcasts[${index}]`;
    if (!isObject(entry)) throw badParameter(name, 'expected an object');
    const userIds = requireArray(entry, 'user_ids', `${name}.user_ids`).map((id, i) => {
      if (typeof id !== 'string' || id === '') throw badParameter(`${name}.user_ids[${i}]`, 'expected a Slack user id');
      return id;
    });
    return {
      platform: platformOf(requireString(entry, 'platform_type', `${name}.platform_type`), `${name}.platform_type`),
      teamId: requireString(entry, 'org_id', `${name}.org_id`),
      userIds,
    };
  });
  const captureFeedback = body.capture_feedback;
  if (captureFeedback !== undefined && captureFeedback !== null && typeof captureFeedback !== 'boolean') {
    throw badParameter('capture_feedback', 'expected true or false');
  }
  const response = await client.broadcast(
    { content: messageContent(message, 'text'), audiences, captureFeedback: captureFeedback === true },
    options,
  );
  const results: JsonObject[] = response.results.map((r) => ({
    team_id: r.teamId,
    user_id: r.userId,
    ok: r.ok,
    ...(r.ok ? { channel: r.channelId, ts: r.ts } : { error: r.error }),
  }));
  const failed = response.results.filter((r) => !r.ok);
  const answer: JsonObject = { ok: failed.length === 0, broadcast_id: response.broadcastId, results };
  if (failed.length === 0) return answer;
  // The original's per-workspace error map, beside the per-user results.
  const errors: JsonObject = {};
  for (const r of failed) {
    const list = (errors[r.teamId] ??= []) as Json[];
    list.push({ user_id: r.userId, error: r.error });
  }
  return { ...answer, errors };
};

const message: RestRoute = async ({ body, parameter, query, client, options }) => {
  if (parameter === undefined || parameter === '') throw missingParameter('user_id');
  const content = messageContent(body, 'message');
  if (content.text === '' && content.blocksJson === '' && content.attachmentsJson === '') throw missingParameter('text');
  const teamId = optionalString(body, 'team_id') ?? query.get('team_id') ?? '';
  const response = await client.sendMessage({ customer: { teamId, userId: parameter }, content }, options);
  return { ok: true, channel: response.channelId, ts: response.ts };
};

const notifyUser: RestRoute = async ({ body, client, options }) => {
  const raw = body.message;
  if (raw === undefined || raw === null || raw === '') throw missingParameter('message');
  const content = typeof raw === 'string' ? { text: raw } : isObject(raw) ? messageContent(raw, 'message') : undefined;
  if (!content) throw badParameter('message', 'expected text or a Slack message object');
  const agentUserId = requireString(body, 'user_id');
  const channelId = requireString(body, 'channel_id');
  const platform = optionalString(body, 'platform_type');
  if (platform !== undefined) platformOf(platform, 'platform_type');
  // The original named the engagement channel; the API names the customer, so look the channel up first.
  const { engagement } = await client.getEngagement({ key: { case: 'channelId', value: channelId } }, options);
  if (!engagement?.customer) throw new RestError(404, `No engagement channel ${channelId}`);
  await client.notifyUser({ customer: engagement.customer, agentUserId, content }, options);
  return { ok: true, track: true };
};

const getAHuman: RestRoute = async ({ body, client, options }) => {
  const requestingUser = requireObject(body, 'requesting_user');
  const response = await client.getAHuman(
    {
      requestingUser: {
        teamId: requireString(body, 'workspace_id'),
        userId: requireString(requestingUser, 'slack_id', 'requesting_user.slack_id'),
      },
      teamDomain: optionalString(requestingUser, 'with_team_domain', 'requesting_user.with_team_domain') ?? '',
    },
    options,
  );
  return { ok: true, channel: response.channelId, ts: response.ts, ...(response.deduplicated ? { deduplicated: true } : {}) };
};

const registerWorkspace: RestRoute = async ({ body, client, options }) => {
  const request = {
    name: requireString(body, 'name'),
    platform: platformOf(requireString(body, 'platform_type'), 'platform_type'),
    platformId: requireString(body, 'platform_id'),
    domain: requireString(body, 'domain'),
    connectionToken: requireString(body, 'connection_token'),
  };
  const response = await client.registerWorkspace(request, options);
  return { ok: true, created: response.created, workspace_id: response.workspace?.id ?? '' };
};

/** The original's paths under /megatron/ (SPEC §5), each mapped onto one MegatronService call. */
export const REST_ROUTES: Record<string, RestRoute> = {
  incoming,
  outgoing,
  edit,
  broadcast,
  feedback,
  message,
  'notify-user': notifyUser,
  'get-a-human': getAHuman,
  'register-workspace': registerWorkspace,
};
