import { RequestError } from '../request-error.js';

/** The fields of Slack's slash command POST that Megatron uses (api.slack.com/interactivity/slash-commands). */
export interface SlashForm {
  token: string | undefined;
  team_id: string;
  team_domain: string;
  enterprise_id: string;
  channel_id: string;
  channel_name: string;
  user_id: string;
  user_name: string;
  command: string;
  text: string;
  response_url: string;
  trigger_id: string;
  api_app_id: string;
}

const REQUIRED = ['team_id', 'channel_id', 'user_id', 'command', 'trigger_id', 'response_url'] as const;

export function readSlashForm(form: URLSearchParams): SlashForm {
  const missing = REQUIRED.filter((field) => !form.get(field));
  if (missing.length > 0) throw new RequestError(400, `slash command is missing ${missing.join(', ')}`);
  const field = (name: string) => form.get(name) ?? '';
  return {
    token: form.get('token') ?? undefined,
    team_id: field('team_id'),
    team_domain: field('team_domain'),
    enterprise_id: field('enterprise_id'),
    channel_id: field('channel_id'),
    channel_name: field('channel_name'),
    user_id: field('user_id'),
    user_name: field('user_name'),
    command: field('command'),
    text: field('text'),
    response_url: field('response_url'),
    trigger_id: field('trigger_id'),
    api_app_id: field('api_app_id'),
  };
}
