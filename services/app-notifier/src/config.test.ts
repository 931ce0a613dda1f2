import { commandUrlPolicy, ConfigError, DEV_SERVICE_TOKEN, loadConfig, serviceTokenOf } from '@megatron/runtime';

const SERVICE_TOKEN = 't'.repeat(32);
import { configSchema } from './config.js';

describe('app-notifier configuration', () => {
  it('defaults to a live-chat retry schedule, a 15 s request timeout and a 5 s sync deadline', () => {
    const config = loadConfig(configSchema, { MEGATRON_SERVICE_TOKEN: SERVICE_TOKEN });
    expect(config.APP_COMMAND_RETRY_SCHEDULE).toEqual([5_000, 30_000, 120_000, 600_000, 1_800_000]);
    expect(config.APP_COMMAND_TIMEOUT_MS).toBe(15_000);
    expect(config.APP_COMMAND_SYNC_DEADLINE_MS).toBe(5_000);
    expect(config.COMMAND_CORE_GRPC_URL).toBe('http://127.0.0.1:9094');
    expect(config.GRPC_PORT).toBe(9092);
  });

  it('allows loopback in megatron-dev and refuses it in production unless configured', () => {
    expect(commandUrlPolicy(loadConfig(configSchema, { MEGATRON_APP_MODE: 'megatron-dev' }))).toEqual({ allowLoopback: true, allowPrivate: false });
    expect(commandUrlPolicy(loadConfig(configSchema, { MEGATRON_APP_MODE: 'megatron-production', MEGATRON_SERVICE_TOKEN: SERVICE_TOKEN }))).toEqual({ allowLoopback: false, allowPrivate: false });
    expect(commandUrlPolicy(loadConfig(configSchema, { MEGATRON_APP_MODE: 'megatron-dev', APP_COMMAND_ALLOW_LOOPBACK: 'false', APP_COMMAND_ALLOW_PRIVATE: 'true' }))).toEqual({
      allowLoopback: false,
      allowPrivate: true,
    });
  });

  it('refuses to start in production without a service token, and takes the dev token in megatron-dev', () => {
    expect(() => loadConfig(configSchema, {})).toThrow(new ConfigError('invalid configuration: MEGATRON_SERVICE_TOKEN: missing'));
    expect(() => loadConfig(configSchema, { MEGATRON_SERVICE_TOKEN: 'short' })).toThrow(
      new ConfigError('invalid configuration: MEGATRON_SERVICE_TOKEN: expected 32 to 512 characters without spaces (openssl rand -base64 32)'),
    );
    expect(serviceTokenOf(loadConfig(configSchema, { MEGATRON_APP_MODE: 'megatron-dev' }))).toBe(DEV_SERVICE_TOKEN);
  });

  it('stops with one line naming a bad retry schedule', () => {
    expect(() => loadConfig(configSchema, { APP_COMMAND_RETRY_SCHEDULE: '5s,later' })).toThrow(
      new ConfigError('invalid configuration: APP_COMMAND_RETRY_SCHEDULE: "later" is not a duration like 100ms, 5s, 2m or 1h'),
    );
  });
});
