import { runService } from '@megatron/runtime';
import { configSchema } from './config.js';
import { startAppNotifier } from './service.js';

await runService('app-notifier', configSchema, startAppNotifier);
