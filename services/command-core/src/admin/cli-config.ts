import { baseEnvSchema, env, z } from '@megatron/runtime';
import { configSchema } from '../config.js';

/** megatron-admin reads only what it uses, so an operator's shell needs no NATS or Redis settings. */
export const adminCliConfigSchema = baseEnvSchema.extend({
  LOG_LEVEL: env.logLevel.default('warn'),
  DATABASE_URL: configSchema.shape.DATABASE_URL,
  TOKEN_ENCRYPTION_KEY: configSchema.shape.TOKEN_ENCRYPTION_KEY,
  TOKEN_ENCRYPTION_KEY_PREVIOUS: configSchema.shape.TOKEN_ENCRYPTION_KEY_PREVIOUS,
  /** gRPC base URL of a running command-core, for what only the running engine can do (jobs run). */
  COMMAND_CORE_URL: env.url(['http:', 'https:']).default('http://127.0.0.1:9090'),
  MEGATRON_ADMIN_TOKEN: configSchema.shape.MEGATRON_ADMIN_TOKEN,
  MEGATRON_APP_MODE: configSchema.shape.MEGATRON_APP_MODE,
  APP_COMMAND_ALLOW_LOOPBACK: configSchema.shape.APP_COMMAND_ALLOW_LOOPBACK,
  APP_COMMAND_ALLOW_PRIVATE: configSchema.shape.APP_COMMAND_ALLOW_PRIVATE,
});

export type AdminCliConfig = z.infer<typeof adminCliConfigSchema>;
