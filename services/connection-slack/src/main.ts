import { runService } from '@megatron/runtime';
import { configSchema } from './config.js';
import { startConnectionSlack } from './service.js';

await runService('connection-slack', configSchema, startConnectionSlack);
