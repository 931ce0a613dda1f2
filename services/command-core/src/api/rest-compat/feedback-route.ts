import { isFeedbackAction, parseFeedbackValue } from '@megatron/contracts';
import { isObject, optionalString, requireArray, requireObject, requireString, type Json, type JsonObject } from './body.js';
import { badParameter, missingParameter, RestError } from './rest-error.js';
import type { RestRoute } from './routes.js';

interface Click {
  broadcastId: string;
  teamId: string;
  userId: string;
  positive: boolean;
}

/** Slack's `payload` form field as the app received it: a JSON string, or already parsed. */
function payloadOf(body: JsonObject): JsonObject {
  const raw = body.payload;
  if (raw === undefined || raw === null || raw === '') return body;
  if (isObject(raw)) return raw;
  if (typeof raw !== 'string') throw badParameter('payload', 'expected the interaction payload (JSON)');
  let parsed: Json;
  try {
    parsed = JSON.parse(raw) as Json;
  } catch {
    throw new RestError(400, 'Malformed JSON in payload');
  }
  if (!isObject(parsed)) throw badParameter('payload', 'expected a JSON object');
  return parsed;
}

/** A block_actions payload of a click on 👍 or 👎, its fields named as Slack names them. */
function clickInPayload(payload: JsonObject): Click {
  const type = requireString(payload, 'type');
  if (type !== 'block_actions') throw badParameter('type', `expected "block_actions" (a click on a feedback button), got ${JSON.stringify(type)}`);
  const user = requireObject(payload, 'user');
  const userId = requireString(user, 'id', 'user.id');
  const team = payload.team;
  const teamId = (isObject(team) ? optionalString(team, 'id', 'team.id') : undefined) ?? optionalString(user, 'team_id', 'user.team_id');
  if (teamId === undefined || teamId === '') throw missingParameter('team.id');
  const [action] = requireArray(payload, 'actions');
  if (!isObject(action)) throw missingParameter('actions[0]');
  const actionId = requireString(action, 'action_id', 'actions[0].action_id');
  if (!isFeedbackAction(actionId)) throw badParameter('actions[0].action_id', `expected a feedback button (feedback_up, feedback_down), got ${JSON.stringify(actionId)}`);
  const choice = parseFeedbackValue(requireString(action, 'value', 'actions[0].value'));
  if (!choice) throw badParameter('actions[0].value', 'expected <broadcast_id>|up or <broadcast_id>|down');
  return { ...choice, teamId, userId };
}

function clickInFields(body: JsonObject): Click {
  const positive = body.positive;
  if (positive === undefined || positive === null) throw missingParameter('positive');
  if (typeof positive !== 'boolean') throw badParameter('positive', 'expected true (👍) or false (👎)');
  return { broadcastId: requireString(body, 'broadcast_id'), teamId: requireString(body, 'team_id'), userId: requireString(body, 'user_id'), positive };
}

/**
 * `feedback/`: a click on a broadcast's 👍/👎 that reached the app. The body is Slack's interaction payload as the
 * app received it (the object, or `{payload: "<the form field>"}`), or the click's essentials
 * `{broadcast_id, team_id, user_id, positive}`.
 */
export const feedback: RestRoute = async ({ body, client, options }) => {
  const fromSlack = body.payload !== undefined || body.type !== undefined || body.actions !== undefined;
  const click = fromSlack ? clickInPayload(payloadOf(body)) : clickInFields(body);
  await client.reportFeedback({ broadcastId: click.broadcastId, customer: { teamId: click.teamId, userId: click.userId }, positive: click.positive }, options);
  return { ok: true, broadcast_id: click.broadcastId, team_id: click.teamId, user_id: click.userId, positive: click.positive };
};
