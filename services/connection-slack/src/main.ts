import { createServiceKit, installShutdown, loadConfigOrExit, startServers } from '@megatron/runtime';
import { configSchema } from './config.js';

const config = loadConfigOrExit(configSchema);
const kit = createServiceKit('connection-slack', config);

const servers = await startServers({ ...kit, httpPort: config.HTTP_PORT, grpcPort: config.GRPC_PORT });
await kit.readiness.start();

installShutdown({
  ...kit,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  steps: [{ name: 'servers', run: () => servers.close() }],
});
