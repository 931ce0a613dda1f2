import { MEGATRON_BOT_EVENTS } from '@megatron/slack-sim';
import { parse } from 'yaml';
import { BOT_EVENTS, BOT_SCOPES, slackAppManifest, slackAppManifestYaml } from './manifest.js';

describe('Slack app manifest', () => {
  const options = { baseUrl: 'https://megatron.example.com', slashCommand: '/megatron' };

  it('points the slash command, interactivity and events at this deployment', () => {
    const manifest = slackAppManifest(options);
    expect(manifest.features.slash_commands).toEqual([
      expect.objectContaining({ command: '/megatron', url: 'https://megatron.example.com/megatron/slack/slash-command/' }),
    ]);
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: 'https://megatron.example.com/megatron/slack/interactive-message/' });
    expect(manifest.settings.event_subscriptions).toEqual({ request_url: 'https://megatron.example.com/megatron/slack/event/', bot_events: ['message.channels', 'channel_archive', 'channel_deleted', 'member_left_channel', 'channel_left'] });
  });

  it("is what the sandbox's Megatron app subscribes to, so the demo and the bench get the events a real install gets", () => {
    expect([...MEGATRON_BOT_EVENTS]).toEqual([...BOT_EVENTS]);
  });

  it('asks for the scopes the integration bot uses, replacing the deprecated chat:write:bot and channels:write', () => {
    const scopes = slackAppManifest(options).oauth_config.scopes.bot;
    expect(scopes).toEqual([...BOT_SCOPES]);
    expect(scopes).toEqual(expect.arrayContaining(['commands', 'chat:write', 'chat:write.customize', 'channels:manage', 'channels:history']));
    expect(scopes).not.toContain('chat:write:bot');
    expect(scopes).not.toContain('channels:write');
  });

  it('turns Socket Mode on and names no request URL in the Socket Mode variant, with the same command, scopes and events', () => {
    const manifest = slackAppManifest({ socketMode: true, slashCommand: '/megatron' });
    const overHttp = slackAppManifest(options);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(overHttp.settings.socket_mode_enabled).toBe(false);
    expect(JSON.stringify(manifest)).not.toMatch(/url|https?:/);
    expect(manifest.features.slash_commands).toEqual([expect.objectContaining({ command: '/megatron' })]);
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true });
    expect(manifest.settings.event_subscriptions).toEqual({ bot_events: overHttp.settings.event_subscriptions.bot_events });
    expect(manifest.oauth_config).toEqual(overHttp.oauth_config);
    expect(parse(slackAppManifestYaml({ socketMode: true, slashCommand: '/megatron' }))).toEqual(manifest);
  });

  it('renders YAML that reads back as the same manifest', () => {
    const yaml = slackAppManifestYaml({ ...options, slashCommand: '/support' });
    expect(parse(yaml)).toEqual(slackAppManifest({ ...options, slashCommand: '/support' }));
    expect(yaml).toContain('/support open <name>');
  });
});
