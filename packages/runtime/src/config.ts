import { DEFAULT_COMMAND_PARTITIONS } from '@megatron/contracts';
import { z } from 'zod';

export { z };

/** Raised by loadConfig; its message is the one line printed before the process stops. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Validates the environment against a schema. The first problem becomes one line naming the
 * variable, e.g. `invalid configuration: NATS_URL: expected a nats:// URL`.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = issue?.path.join('.') || 'environment';
  const message = issue?.message ?? 'invalid';
  throw new ConfigError(`invalid configuration: ${variable}: ${env[variable] === undefined ? 'missing' : message}`);
}

/** loadConfig for a service's main: prints the one line and exits 1 instead of throwing. */
export function loadConfigOrExit<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

const hasProtocol = (value: string, protocols: string[]): boolean => {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

const urlWithProtocols = (protocols: string[]) =>
  z.string().refine((value) => hasProtocol(value, protocols), { message: `expected a ${protocols.map((p) => `${p}//`).join(' or ')} URL` });

const NATS_PROTOCOLS = ['nats:', 'tls:'];
// JetStream places at most five replicas of a stream.
const REPLICAS = { message: 'expected a whole number from 1 to 5' };

/** One server, or several separated by commas (a cluster's seed list): `nats://a:4222,nats://b:4222`. */
const natsServerList = z
  .string()
  .refine((value) => natsServers(value).every((server) => hasProtocol(server, NATS_PROTOCOLS)), {
    message: 'expected a nats:// or tls:// URL, or several separated by commas',
  })
  .default('nats://127.0.0.1:4222');

/** The servers of a NATS_URL, in the order given; an empty entry (a doubled comma) stays, so it fails validation. */
export function natsServers(natsUrl: string): string[] {
  return natsUrl.split(',').map((server) => server.trim());
}

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** Building blocks for service schemas; each service composes the ones it needs. */
export const env = {
  port,
  url: urlWithProtocols,
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  durationMs: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  flag: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { message: 'expected true or false' })
      .default(fallback ? 'true' : 'false')
      .transform((value) => ['true', '1', 'yes', 'on'].includes(value)),
  databaseUrl: urlWithProtocols(['postgres:', 'postgresql:']),
  redisUrl: urlWithProtocols(['redis:', 'rediss:']),
  natsUrl: natsServerList,
  /**
   * Replicas of every stream and KV bucket (consumers follow their stream): 1 on a single server, 3 on a
   * three-node JetStream cluster so that losing a node loses nothing.
   */
  natsStreamReplicas: z.coerce.number(REPLICAS).int(REPLICAS).min(1, REPLICAS).max(5, REPLICAS).default(1),
  /** Prefix of every stream, subject and durable name: lets tests and tenants share one NATS. */
  natsNamespace: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,31}$/, { message: 'expected lowercase letters, digits and _ (max 32)' })
    .default('megatron'),
  /** Slack's Web API base (the simulator in tests); method names are appended to it, so it ends with a slash. */
  slackApiUrl: urlWithProtocols(['http:', 'https:'])
    .default('https://slack.com/api/')
    .transform((url) => (url.endsWith('/') ? url : `${url}/`)),
  /** Command partitions: interpreters and command-core must agree (see streams.ts). */
  commandPartitions: z.coerce.number().int().min(1).max(256).default(DEFAULT_COMMAND_PARTITIONS),
};

const RATIO = { message: 'expected a ratio between 0 and 1' };

/** OpenTelemetry's standard variables, as far as Megatron honours them (tracing.ts). */
export const tracingEnv = {
  /** OTLP/HTTP collector base URL (spans go to `<endpoint>/v1/traces`); unset: nothing is recorded or exported. */
  OTEL_EXPORTER_OTLP_ENDPOINT: urlWithProtocols(['http:', 'https:']).optional(),
  OTEL_TRACES_SAMPLER: z
    .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'])
    .default('parentbased_traceidratio'),
  /** The ratio of the *traceidratio samplers: 1 keeps every trace. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number(RATIO).min(0, RATIO).max(1, RATIO).default(1),
  /** How long finished spans wait to be exported together. */
  OTEL_BSP_SCHEDULE_DELAY: env.durationMs(5_000),
};

/** Variables every service reads. */
export const baseEnvSchema = z.object({
  LOG_LEVEL: env.logLevel,
  SHUTDOWN_TIMEOUT_MS: env.durationMs(10_000),
  /** A request to an HTTP port must arrive whole (headers and body) within this; slower ones get 408. */
  HTTP_READ_TIMEOUT_MS: env.durationMs(10_000),
  ...tracingEnv,
});
