import { baseEnvSchema, ConfigError, env, loadConfig, natsServers } from './config.js';

const schema = baseEnvSchema.extend({
  DATABASE_URL: env.databaseUrl,
  NATS_URL: env.natsUrl,
  NATS_STREAM_REPLICAS: env.natsStreamReplicas,
  HTTP_PORT: env.port(8080),
  DEBUG_SQL: env.flag(false),
});

describe('loadConfig', () => {
  it('applies defaults and coerces values', () => {
    const config = loadConfig(schema, { DATABASE_URL: 'postgres://db/megatron', HTTP_PORT: '9000', DEBUG_SQL: 'yes' });
    expect(config).toEqual({
      DATABASE_URL: 'postgres://db/megatron',
      NATS_URL: 'nats://127.0.0.1:4222',
      NATS_STREAM_REPLICAS: 1,
      HTTP_PORT: 9000,
      DEBUG_SQL: true,
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: 10000,
      HTTP_READ_TIMEOUT_MS: 10000,
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: 1,
      OTEL_BSP_SCHEDULE_DELAY: 5000,
    });
  });

  it('names a missing variable in one line', () => {
    expect(() => loadConfig(schema, {})).toThrow(new ConfigError('invalid configuration: DATABASE_URL: missing'));
  });

  it('names an invalid variable and says what was expected', () => {
    expect(() => loadConfig(schema, { DATABASE_URL: 'postgres://db/x', NATS_URL: 'http://nats:4222' })).toThrow(
      'invalid configuration: NATS_URL: expected a nats:// or tls:// URL, or several separated by commas',
    );
    expect(() => loadConfig(schema, { DATABASE_URL: 'postgres://db/x', HTTP_PORT: '70000' })).toThrow(/^invalid configuration: HTTP_PORT: /);
    expect(() => loadConfig(schema, { DATABASE_URL: 'postgres://db/x', DEBUG_SQL: 'maybe' })).toThrow(
      'invalid configuration: DEBUG_SQL: expected true or false',
    );
  });

  it('takes a NATS cluster as a comma-separated list and refuses it when any server is not a NATS URL', () => {
    const cluster = 'nats://n0:4222, nats://n1:4222,tls://n2:4222';
    expect(loadConfig(schema, { DATABASE_URL: 'postgres://db/x', NATS_URL: cluster }).NATS_URL).toBe(cluster);
    expect(natsServers(cluster)).toEqual(['nats://n0:4222', 'nats://n1:4222', 'tls://n2:4222']);
    for (const bad of ['nats://n0:4222,http://n1:4222', 'nats://n0:4222,', 'nats://n0:4222,,nats://n1:4222']) {
      expect(() => loadConfig(schema, { DATABASE_URL: 'postgres://db/x', NATS_URL: bad })).toThrow(
        new ConfigError('invalid configuration: NATS_URL: expected a nats:// or tls:// URL, or several separated by commas'),
      );
    }
  });

  it('takes 1 to 5 stream replicas, 1 unless told', () => {
    expect(loadConfig(schema, { DATABASE_URL: 'postgres://db/x', NATS_STREAM_REPLICAS: '3' }).NATS_STREAM_REPLICAS).toBe(3);
    for (const bad of ['0', '6', '2.5', 'three']) {
      expect(() => loadConfig(schema, { DATABASE_URL: 'postgres://db/x', NATS_STREAM_REPLICAS: bad })).toThrow(
        new ConfigError('invalid configuration: NATS_STREAM_REPLICAS: expected a whole number from 1 to 5'),
      );
    }
  });

  it('names a bad tracing variable in one line, like any other', () => {
    expect(() => loadConfig(schema, { DATABASE_URL: 'postgres://db/x', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      'invalid configuration: OTEL_EXPORTER_OTLP_ENDPOINT: expected a http:// or https:// URL',
    );
    expect(() => loadConfig(schema, { DATABASE_URL: 'postgres://db/x', OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(/^invalid configuration: OTEL_TRACES_SAMPLER: /);
    expect(() => loadConfig(schema, { DATABASE_URL: 'postgres://db/x', OTEL_TRACES_SAMPLER_ARG: '1.5' })).toThrow(
      'invalid configuration: OTEL_TRACES_SAMPLER_ARG: expected a ratio between 0 and 1',
    );
  });

  it('never produces a multi-line message', () => {
    try {
      loadConfig(schema, { DATABASE_URL: 'mysql://db', NATS_URL: 'x', HTTP_PORT: 'y' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).not.toContain('\n');
      expect((error as Error).message).toMatch(/^invalid configuration: DATABASE_URL: /);
    }
  });
});
