// One jest run for the whole workspace: sources are transformed by swc (type checking is `npm run lint`),
// workspace packages resolve to their TypeScript sources so tests never need a prior build.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/services', '<rootDir>/tools', '<rootDir>/examples', '<rootDir>/test', '<rootDir>/deploy', '<rootDir>/bench'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  moduleNameMapper: {
    '^@megatron/slack-sim$': '<rootDir>/tools/slack-sim/src/index.ts',
    '^@megatron/support-bot$': '<rootDir>/examples/support-bot/src/index.ts',
    '^@megatron/sandbox$': '<rootDir>/tools/sandbox/src/index.ts',
    '^@megatron/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  globalSetup: '<rootDir>/test/global-setup.ts',
  reporters: ['default', '<rootDir>/test/summary-reporter.cjs'],
  testTimeout: 30000,
  maxWorkers: 2,
};
