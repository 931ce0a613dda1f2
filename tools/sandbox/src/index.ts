export * from './sandbox.js';
export { DEFAULT_PORTS, type SandboxPorts } from './ports.js';
export { Story, visibleText, type Customer } from './story.js';
export type { ApiClients } from './api-clients.js';
export { adminEnvironment, type SandboxFile } from './sandbox-file.js';
