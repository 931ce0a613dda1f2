export { configSchema, type Config } from './config.js';
export { startConnectionSlack, type RunningConnectionSlack } from './service.js';
export { feedbackBlocks, FEEDBACK_ACTION_ID } from './actions/broadcast.js';
export { SLACK_ERROR_HEADER, RETRY_AFTER_HEADER, codeForSlackError } from './slack/errors.js';
export { SLACK_TOKEN_HEADER, SLACK_SOURCE_TOKEN_HEADER } from './rpc/context-keys.js';
