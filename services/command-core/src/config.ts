import { baseEnvSchema, env, z } from '@megatron/runtime';

const base64Key = z
  .string({ message: 'missing' })
  .refine((value) => Buffer.from(value, 'base64').length === 32, { message: 'expected 32 bytes, base64-encoded (openssl rand -base64 32)' });

export const configSchema = baseEnvSchema.extend({
  HTTP_PORT: env.port(8080),
  GRPC_PORT: env.port(9090),
  DATABASE_URL: env.databaseUrl,
  REDIS_URL: env.redisUrl,
  NATS_URL: env.natsUrl,
  NATS_NAMESPACE: env.natsNamespace,
  COMMAND_PARTITIONS: env.commandPartitions,
  MEGATRON_APP_MODE: z.enum(['megatron-dev', 'megatron-production']).default('megatron-production'),
  /** Applies migrations at start; on by default in megatron-dev (production uses the Helm hook Job). */
  MIGRATE_ON_START: env.flag(false).optional(),
  /** AES-256-GCM key for bot tokens and webhook secrets at rest; see the README for rotation. */
  TOKEN_ENCRYPTION_KEY: base64Key,
  /** Previous key, still accepted for decryption while a rotation re-encrypts. */
  TOKEN_ENCRYPTION_KEY_PREVIOUS: base64Key.optional(),
  /** Authenticates MegatronAdminService calls; admin API disabled when unset. */
  MEGATRON_ADMIN_TOKEN: z.string().min(16, { message: 'expected at least 16 characters' }).optional(),
  CHANNEL_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]{0,40}$/, { message: 'expected lowercase letters, digits, - and _ (max 40)' })
    .default('mt-'),
  CONNECTION_SLACK_URL: env.url(['http:', 'https:']).default('http://127.0.0.1:9091'),
  APP_NOTIFIER_URL: env.url(['http:', 'https:']).default('http://127.0.0.1:9092'),
  /** Redelivery when a replica dies mid-command. */
  COMMAND_ACK_WAIT_MS: env.durationMs(30_000),
  /** Idle engagement channels are archived after this long (SPEC §8: 36 hours). */
  IDLE_ARCHIVE_AFTER_MS: env.durationMs(36 * 60 * 60 * 1000),
});

export type Config = z.infer<typeof configSchema>;
