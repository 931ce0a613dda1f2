export * from './sandbox.js';
export { DEFAULT_PORTS, type SandboxPorts } from './ports.js';
