export { restCompatHandler, type RestCompatOptions } from './handler.js';
