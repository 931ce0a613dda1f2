import { ConfigError, loadConfig } from '@megatron/runtime';
import { addressPolicy, configSchema } from './config.js';

describe('app-notifier configuration', () => {
  it('defaults to a live-chat retry schedule, a 15 s request timeout and a 5 s sync deadline', () => {
    const config = loadConfig(configSchema, {});
    expect(config.APP_COMMAND_RETRY_SCHEDULE).toEqual([5_000, 30_000, 120_000, 600_000, 1_800_000]);
    expect(config.APP_COMMAND_TIMEOUT_MS).toBe(15_000);
    expect(config.APP_COMMAND_SYNC_DEADLINE_MS).toBe(5_000);
    expect(config.COMMAND_CORE_GRPC_URL).toBe('http://127.0.0.1:9090');
    expect(config.GRPC_PORT).toBe(9092);
  });

  it('allows loopback in megatron-dev and refuses it in production unless configured', () => {
    expect(addressPolicy(loadConfig(configSchema, { MEGATRON_APP_MODE: 'megatron-dev' }))).toEqual({ allowLoopback: true, allowPrivate: false });
    expect(addressPolicy(loadConfig(configSchema, { MEGATRON_APP_MODE: 'megatron-production' }))).toEqual({ allowLoopback: false, allowPrivate: false });
    expect(addressPolicy(loadConfig(configSchema, { MEGATRON_APP_MODE: 'megatron-dev', APP_COMMAND_ALLOW_LOOPBACK: 'false', APP_COMMAND_ALLOW_PRIVATE: 'true' }))).toEqual({
      allowLoopback: false,
      allowPrivate: true,
    });
  });

  it('stops with one line naming a bad retry schedule', () => {
    expect(() => loadConfig(configSchema, { APP_COMMAND_RETRY_SCHEDULE: '5s,later' })).toThrow(
      new ConfigError('invalid configuration: APP_COMMAND_RETRY_SCHEDULE: "later" is not a duration like 100ms, 5s, 2m or 1h'),
    );
  });
});
