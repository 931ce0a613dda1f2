import {
  createPool,
  createRedis,
  createServiceKit,
  installShutdown,
  loadConfigOrExit,
  NatsLink,
  postgresCheck,
  redisCheck,
  startServers,
} from '@megatron/runtime';
import { configSchema } from './config.js';

const config = loadConfigOrExit(configSchema);
const kit = createServiceKit('command-core', config);
const pool = createPool(config.DATABASE_URL, kit.logger);
const redis = createRedis(config.REDIS_URL, kit.logger, `${config.NATS_NAMESPACE}:`);
const nats = new NatsLink(config.NATS_URL, 'command-core', kit.logger);
kit.readiness
  .add({ name: 'postgres', probe: postgresCheck(pool) })
  .add({ name: 'redis', probe: redisCheck(redis) })
  .add({ name: 'nats', probe: nats.check });

const servers = await startServers({ ...kit, httpPort: config.HTTP_PORT, grpcPort: config.GRPC_PORT });
await kit.readiness.start();

installShutdown({
  ...kit,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  steps: [
    { name: 'servers', run: () => servers.close() },
    { name: 'nats', run: () => nats.close() },
    { name: 'postgres', run: () => pool.end() },
    { name: 'redis', run: async () => void (await redis.quit()) },
  ],
});
