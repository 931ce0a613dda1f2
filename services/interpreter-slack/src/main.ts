import { runService } from '@megatron/runtime';
import { configSchema } from './config.js';
import { startInterpreterSlack } from './service.js';

await runService('interpreter-slack', configSchema, startInterpreterSlack);
