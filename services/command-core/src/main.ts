import { runService } from '@megatron/runtime';
import { configSchema } from './config.js';
import { startCommandCore } from './service.js';

await runService('command-core', configSchema, startCommandCore);
