import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { isFeedbackAction, parseFeedbackValue, type ReportFeedbackRequestSchema } from '@megatron/contracts';
import type { Logger } from '@megatron/runtime';
import { HttpError, sendJson } from './http.js';
import type { MegatronClient } from './megatron-client.js';
import { readSlackRequest } from './slack-request.js';
import type { Workspaces } from './workspaces.js';

/** The parts of Slack's block_actions payload a feedback click needs (docs.slack.dev/reference/interaction-payloads/block_actions-payload). */
interface BlockActionsPayload {
  type?: string;
  team?: { id?: string } | null;
  user?: { id?: string; team_id?: string };
  actions?: Array<{ action_id?: string; value?: string }>;
}

export interface SlackInteractiveDeps {
  workspaces: Workspaces;
  megatron: MegatronClient;
  logger: Logger;
  now?: () => number;
}

/** A click on 👍/👎 under a Megatron broadcast, as ReportFeedback takes it; undefined for any other interaction. */
function feedbackClick(payload: BlockActionsPayload): MessageInitShape<typeof ReportFeedbackRequestSchema> | undefined {
  const [action] = payload.actions ?? [];
  if (payload.type !== 'block_actions' || !action?.action_id || !isFeedbackAction(action.action_id)) return undefined;
  const choice = parseFeedbackValue(action.value ?? '');
  const teamId = payload.team?.id ?? payload.user?.team_id;
  const userId = payload.user?.id;
  if (!choice || !teamId || !userId) return undefined;
  return { broadcastId: choice.broadcastId, customer: { teamId, userId }, positive: choice.positive };
}

/**
 * POST /slack/interactive: clicks on the bot's messages. Megatron's broadcasts are DMed with this bot's token, so
 * their 👍/👎 clicks come here, not to Megatron. The bot acknowledges at once (Slack wants an answer within 3 s)
 * and reports the click (`ReportFeedback`); Megatron records it and updates the customer's message in place to
 * "Thanks for your feedback", so the bot has nothing to answer through the `response_url`.
 * The REST equivalent forwards the payload as it came: POST /megatron/feedback/ with `{"payload": "<the form field>"}`.
 */
export function slackInteractiveHandler(deps: SlackInteractiveDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawBody = await readSlackRequest(req, deps.workspaces, deps.now?.() ?? Date.now());
    const field = new URLSearchParams(rawBody.toString('utf8')).get('payload');
    if (!field) throw new HttpError(400, 'missing payload');
    const payload = JSON.parse(field) as BlockActionsPayload;
    sendJson(res, 200, {});
    const click = feedbackClick(payload);
    if (!click) return;
    await deps.megatron.reportFeedback(click).catch((error: unknown) =>
      deps.logger.error({ err: error, team: click.customer?.teamId }, 'reporting a feedback click to Megatron failed'),
    );
  };
}
