export { configSchema, type Config, type WorkspaceConfig } from './config.js';
export { startSupportBot, type SupportBot } from './server.js';
export { answerFor, wantsHuman } from './faq.js';
