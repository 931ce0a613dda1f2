import { RequestError } from '../request-error.js';
import { arrayAt, objectAt, stringAt, type JsonObject } from '@megatron/runtime';

/** The clicked button or picked option: the verb (`callback_id` / `action_id`) and the value it carries. */
export interface ChosenAction {
  verb: string;
  value: string | undefined;
}

/** An interaction payload reduced to what Megatron uses, whatever the style it came in. */
export interface Interaction {
  /** Slack's `type`: `interactive_message` (legacy attachments), `block_actions`, or something Megatron does not handle. */
  type: string;
  token: string | undefined;
  teamId: string;
  teamDomain: string;
  enterpriseId: string;
  apiAppId: string;
  channelId: string;
  channelName: string;
  userId: string;
  userName: string;
  responseUrl: string;
  triggerId: string;
  action: ChosenAction | undefined;
}

// Legacy attachments carry the verb once per attachment (`callback_id`) and the choice per action
// (https://api.slack.com/legacy/message-buttons); Block Kit carries both per action.
function legacyAction(payload: JsonObject): ChosenAction | undefined {
  const verb = stringAt(payload, 'callback_id');
  const [action] = arrayAt(payload, 'actions');
  if (verb === undefined || action === undefined) return undefined;
  const [option] = arrayAt(action, 'selected_options');
  return { verb, value: stringAt(action, 'value') ?? stringAt(option, 'value') };
}

function blockAction(payload: JsonObject): ChosenAction | undefined {
  const [action] = arrayAt(payload, 'actions');
  const verb = stringAt(action, 'action_id');
  if (verb === undefined) return undefined;
  return { verb, value: stringAt(action, 'value') ?? stringAt(objectAt(action, 'selected_option'), 'value') };
}

export function readInteraction(payload: JsonObject): Interaction {
  const type = stringAt(payload, 'type');
  if (type === undefined) throw new RequestError(400, 'interaction payload has no type');
  const team = objectAt(payload, 'team');
  const user = objectAt(payload, 'user');
  const channel = objectAt(payload, 'channel') ?? {};
  const action = type === 'interactive_message' ? legacyAction(payload) : type === 'block_actions' ? blockAction(payload) : undefined;
  return {
    type,
    token: stringAt(payload, 'token'),
    teamId: stringAt(team, 'id') ?? '',
    teamDomain: stringAt(team, 'domain') ?? '',
    enterpriseId: stringAt(objectAt(payload, 'enterprise'), 'id') ?? '',
    apiAppId: stringAt(payload, 'api_app_id') ?? '',
    channelId: stringAt(channel, 'id') ?? stringAt(objectAt(payload, 'container'), 'channel_id') ?? '',
    channelName: stringAt(channel, 'name') ?? '',
    userId: stringAt(user, 'id') ?? '',
    userName: stringAt(user, 'username') ?? stringAt(user, 'name') ?? '',
    responseUrl: stringAt(payload, 'response_url') ?? '',
    triggerId: stringAt(payload, 'trigger_id') ?? '',
    action,
  };
}
