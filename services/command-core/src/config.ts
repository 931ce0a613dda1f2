import { baseEnvSchema, env, type z } from '@megatron/runtime';

export const configSchema = baseEnvSchema.extend({
  HTTP_PORT: env.port(8080),
  GRPC_PORT: env.port(9090),
  DATABASE_URL: env.databaseUrl,
  REDIS_URL: env.redisUrl,
  NATS_URL: env.natsUrl,
  NATS_NAMESPACE: env.natsNamespace,
});

export type Config = z.infer<typeof configSchema>;
