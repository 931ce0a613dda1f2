import { createServiceKit, installShutdown, loadConfigOrExit, NatsLink, startServers } from '@megatron/runtime';
import { configSchema } from './config.js';

const config = loadConfigOrExit(configSchema);
const kit = createServiceKit('app-notifier', config);
const nats = new NatsLink(config.NATS_URL, 'app-notifier', kit.logger);
kit.readiness.add({ name: 'nats', probe: nats.check });

const servers = await startServers({ ...kit, httpPort: config.HTTP_PORT, grpcPort: config.GRPC_PORT });
await kit.readiness.start();

installShutdown({
  ...kit,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  steps: [
    { name: 'servers', run: () => servers.close() },
    { name: 'nats', run: () => nats.close() },
  ],
});
