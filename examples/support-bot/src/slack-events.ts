import { slackFileFromJson, type Logger } from '@megatron/runtime';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerFor, wantsHuman } from './faq.js';
import { sendJson } from './http.js';
import type { MegatronClient } from './megatron-client.js';
import { readSlackRequest } from './slack-request.js';
import type { BotState } from './state.js';
import type { Workspaces } from './workspaces.js';

interface SlackFile {
  id: string;
  name?: string;
  title?: string;
  mimetype?: string;
  size?: number;
  url_private?: string;
}

interface MessageEvent {
  type: string;
  subtype?: string;
  channel: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  files?: SlackFile[];
  message?: { user?: string; text?: string; ts: string; bot_id?: string };
}

interface EventEnvelope {
  type: string;
  challenge?: string;
  team_id: string;
  event?: MessageEvent;
}

export interface SlackEventDeps {
  workspaces: Workspaces;
  megatron: MegatronClient;
  state: BotState;
  logger: Logger;
  now?: () => number;
}

const toProtoFiles = (files: SlackFile[] = []) => files.map((file) => slackFileFromJson({ ...file }));

/**
 * POST /slack/events: the customer side. Every customer message and every bot reply is mirrored to
 * Megatron; while Megatron has paused the bot for a customer, the bot stays silent.
 */
export function slackEventsHandler(deps: SlackEventDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawBody = await readSlackRequest(req, deps.workspaces, deps.now?.() ?? Date.now());
    const envelope = JSON.parse(rawBody.toString('utf8')) as EventEnvelope;
    if (envelope.type === 'url_verification') return sendJson(res, 200, { challenge: envelope.challenge });
    // Acknowledge first: Slack wants an answer within 3 seconds, the work can follow.
    sendJson(res, 200, { ok: true });
    if (envelope.type === 'event_callback' && envelope.event?.type === 'message') {
      await handleMessage(deps, envelope.team_id, envelope.event).catch((error: unknown) =>
        deps.logger.error({ err: error, team: envelope.team_id }, 'handling a customer message failed'),
      );
    }
  };
}

async function handleMessage(deps: SlackEventDeps, teamId: string, event: MessageEvent): Promise<void> {
  const workspace = deps.workspaces.get(teamId);
  if (!workspace || event.channel_type !== 'im' || event.bot_id) return;

  if (event.subtype === 'message_changed' && event.message?.user && !event.message.bot_id) {
    await deps.megatron.edit({
      message: { teamId, userId: event.message.user, ts: event.message.ts, content: { text: event.message.text ?? '' } },
      fromBot: false,
    });
    return;
  }
  if ((event.subtype && event.subtype !== 'file_share') || !event.user) return;

  const customer = event.user;
  const text = event.text ?? '';
  deps.state.remember(teamId, customer, text);
  await deps.megatron.incoming({ message: { teamId, userId: customer, ts: event.ts, content: { text }, files: toProtoFiles(event.files) } });
  if (deps.state.isPaused(teamId, customer)) return;

  let reply: string;
  if (wantsHuman(text)) {
    await deps.megatron.getAHuman({ requestingUser: { teamId, userId: customer }, teamDomain: workspace.domain });
    reply = "I've asked a human to join us. Hang tight!";
  } else {
    reply = answerFor(text);
  }
  const posted = await workspace.client.chat.postMessage({ channel: event.channel, text: reply });
  await deps.megatron.outgoing({ message: { teamId, userId: customer, ts: posted.ts ?? '', content: { text: reply } } });
}
