import { createRedis, createServiceKit, installShutdown, loadConfigOrExit, NatsLink, redisCheck, startServers } from '@megatron/runtime';
import { configSchema } from './config.js';
import { createInterpreter } from './interpreter.js';

const config = loadConfigOrExit(configSchema);
const kit = createServiceKit('interpreter-slack', config);
const redis = createRedis(config.REDIS_URL, kit.logger, `${config.NATS_NAMESPACE}:`);
const nats = new NatsLink(config.NATS_URL, 'interpreter-slack', kit.logger);
const interpreter = createInterpreter(config, { ...kit, nats, redis });
kit.readiness
  .add({ name: 'redis', probe: redisCheck(redis) })
  .add({ name: 'nats', probe: nats.check })
  .add({ name: 'engagement-directory', probe: interpreter.check });

const servers = await startServers({ ...kit, httpPort: config.HTTP_PORT, grpcPort: config.GRPC_PORT, httpHandler: interpreter.handler });
await kit.readiness.start();

installShutdown({
  ...kit,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  steps: [
    { name: 'servers', run: () => servers.close() },
    { name: 'interpreter', run: () => interpreter.close() },
    { name: 'nats', run: () => nats.close() },
    { name: 'redis', run: async () => void (await redis.quit()) },
  ],
});
