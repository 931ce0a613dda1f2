import { baseEnvSchema, env, type z } from '@megatron/runtime';

export const configSchema = baseEnvSchema.extend({
  HTTP_PORT: env.port(8082),
  GRPC_PORT: env.port(9092),
  NATS_URL: env.natsUrl,
  NATS_NAMESPACE: env.natsNamespace,
});

export type Config = z.infer<typeof configSchema>;
