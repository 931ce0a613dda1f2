import { createServiceKit, installShutdown, loadConfigOrExit } from '@megatron/runtime';
import { configSchema } from './config.js';
import { startConnectionSlack } from './service.js';

const config = loadConfigOrExit(configSchema);
const kit = createServiceKit('connection-slack', config);

const service = await startConnectionSlack(config, kit);

installShutdown({
  ...kit,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  steps: [{ name: 'servers', run: () => service.close() }],
});
