import { createLogger, loadConfigOrExit } from '@megatron/runtime';
import { configSchema } from './config.js';
import { startSupportBot } from './server.js';

const config = loadConfigOrExit(configSchema);
const logger = createLogger('support-bot', config.LOG_LEVEL);
const bot = await startSupportBot(config, logger, process.env.HOST ?? '0.0.0.0');

// Megatron may still be starting (npm run dev starts everything at once): retry registration.
for (let attempt = 1; ; attempt++) {
  try {
    await bot.registerWorkspaces();
    logger.info({ workspaces: bot.workspaces.all().length }, 'workspaces registered with Megatron');
    break;
  } catch (error) {
    if (attempt >= 30) throw error;
    logger.warn({ err: error, attempt }, 'registering workspaces failed; retrying');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

const stop = () => void bot.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
