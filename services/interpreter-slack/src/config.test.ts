import { ConfigError, loadConfig } from '@megatron/runtime';
import { configSchema, publicBaseUrl } from './config.js';

const base = { SLACK_SIGNING_SECRET: 'secret', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('interpreter-slack configuration', () => {
  it('stops at start naming SLACK_SIGNING_SECRET when it is missing', () => {
    expect(() => loadConfig(configSchema, { REDIS_URL: base.REDIS_URL })).toThrow(new ConfigError('invalid configuration: SLACK_SIGNING_SECRET: missing'));
  });

  it('takes Slack over Socket Mode with an app-level token alone, the signing secret then optional', () => {
    const config = loadConfig(configSchema, { REDIS_URL: base.REDIS_URL, SLACK_APP_TOKEN: 'xapp-1-A0MEGATRON-1-abc' });
    expect(config).toMatchObject({ SLACK_APP_TOKEN: 'xapp-1-A0MEGATRON-1-abc', SLACK_API_URL: 'https://slack.com/api/' });
    expect(config.SLACK_SIGNING_SECRET).toBeUndefined();
    expect(loadConfig(configSchema, { ...base, SLACK_APP_TOKEN: 'xapp-1-x', SLACK_API_URL: 'http://127.0.0.1:8090/api' }).SLACK_API_URL).toBe('http://127.0.0.1:8090/api/');
  });

  it('refuses a bot or user token where the app-level token belongs', () => {
    expect(() => loadConfig(configSchema, { ...base, SLACK_APP_TOKEN: 'xoxb-1-bot' })).toThrow(
      new ConfigError('invalid configuration: SLACK_APP_TOKEN: expected an app-level token starting with xapp-'),
    );
  });

  it('serves Slack on the original port 8002 with /megatron as the slash command', () => {
    const config = loadConfig(configSchema, base);
    expect(config).toMatchObject({ HTTP_PORT: 8002, SLASH_COMMAND: '/megatron', SLACK_MAX_BODY_BYTES: 1024 * 1024, PUBLISH_TIMEOUT_MS: 2000 });
    expect(config.MEGATRON_VERIFICATION_TOKEN).toBeUndefined();
  });

  it('takes the public URL from PUBLIC_URL, else from HOSTNAME only when HOSTNAME is an http(s) URL', () => {
    expect(publicBaseUrl({ PUBLIC_URL: 'https://megatron.example.com/', HOSTNAME: 'https://other.example.com' })).toBe('https://megatron.example.com');
    expect(publicBaseUrl({ PUBLIC_URL: undefined, HOSTNAME: 'https://megatron.example.com' })).toBe('https://megatron.example.com');
    expect(publicBaseUrl({ PUBLIC_URL: undefined, HOSTNAME: 'interpreter-slack-7d9f-abcde' })).toBeUndefined();
    expect(publicBaseUrl({ PUBLIC_URL: undefined, HOSTNAME: undefined })).toBeUndefined();
  });

  it('refuses a PUBLIC_URL that is not an http(s) URL and a slash command without its slash', () => {
    expect(() => loadConfig(configSchema, { ...base, PUBLIC_URL: 'megatron.example.com' })).toThrow('invalid configuration: PUBLIC_URL: expected a http:// or https:// URL');
    expect(() => loadConfig(configSchema, { ...base, SLASH_COMMAND: 'megatron' })).toThrow('invalid configuration: SLASH_COMMAND: expected a slash command such as /megatron');
  });
});
