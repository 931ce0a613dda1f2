import { stringify } from 'yaml';
import { helpText } from './slash/help.js';

export const SLACK_PATHS = {
  slashCommand: '/megatron/slack/slash-command/',
  interactiveMessage: '/megatron/slack/interactive-message/',
  event: '/megatron/slack/event/',
} as const;

/**
 * What the integration workspace's bot does through connection-slack: create, join, archive and
 * read engagement channels, post there under customers' names and avatars, read agents' profiles,
 * and move files both ways.
 */
export const BOT_SCOPES = [
  'channels:history',
  'channels:join',
  'channels:manage',
  'channels:read',
  'chat:write',
  'chat:write.customize',
  'commands',
  'files:read',
  'files:write',
  'pins:write',
  'reactions:write',
  'users:read',
] as const;

/**
 * Agents' messages in public channels (the interpreter keeps the engagement channels among them), and a
 * channel archived, deleted or left outside Megatron, which closes its engagement.
 */
export const BOT_EVENTS = ['message.channels', 'channel_archive', 'channel_deleted', 'member_left_channel', 'channel_left'] as const;

/**
 * Where Slack delivers requests: to this deployment's public URL (without a trailing slash), or over Socket
 * Mode connections the service opens itself, which need no URL at all.
 */
export type ManifestTarget = { baseUrl: string } | { socketMode: true };

export type ManifestOptions = ManifestTarget & {
  slashCommand: string;
  appName?: string;
};

const url = (options: ManifestOptions, path: string) => ('baseUrl' in options ? { url: `${options.baseUrl}${path}` } : {});
const requestUrl = (options: ManifestOptions, path: string) => ('baseUrl' in options ? { request_url: `${options.baseUrl}${path}` } : {});

/** A Slack app manifest (api.slack.com/reference/manifests) for the integration workspace's Megatron app. */
export function slackAppManifest(options: ManifestOptions) {
  const name = options.appName ?? 'Megatron';
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name,
      description: "Lets support agents take over the chatbot's conversation with a customer.",
      background_color: '#2c2d30',
    },
    features: {
      bot_user: { display_name: name, always_online: true },
      slash_commands: [
        {
          command: options.slashCommand,
          ...url(options, SLACK_PATHS.slashCommand),
          description: "Take over a customer's conversation with the bot",
          usage_hint: 'open <name> | close | pause | unpause | clear-context | do <text> | help',
          should_escape: false,
        },
      ],
    },
    oauth_config: { scopes: { bot: [...BOT_SCOPES] } },
    settings: {
      event_subscriptions: { ...requestUrl(options, SLACK_PATHS.event), bot_events: [...BOT_EVENTS] },
      interactivity: { is_enabled: true, ...requestUrl(options, SLACK_PATHS.interactiveMessage) },
      org_deploy_enabled: false,
      socket_mode_enabled: 'socketMode' in options,
      token_rotation_enabled: false,
    },
  };
}

export function slackAppManifestYaml(options: ManifestOptions): string {
  const usage = helpText(options.slashCommand)
    .split('\n')
    .map((line) => `# ${line}`)
    .join('\n');
  const where = 'baseUrl' in options ? `at ${options.baseUrl}` : 'in Socket Mode (no request URLs; generate an app-level token with connections:write)';
  return `# Slack app manifest for Megatron ${where}\n# Paste it at https://api.slack.com/apps → Create New App → From a manifest.\n${usage}\n${stringify(slackAppManifest(options))}`;
}
