// Tests are transformed by SWC (fast, no type-check: `npm test` runs `tsc --noEmit` first).
// Several dependencies ship ESM only (@octokit/*, p-queue, ...); jest runs CommonJS, so
// those packages are transformed too instead of being ignored.
const esmOnly = [
  '@octokit',
  'universal-user-agent',
  'before-after-hook',
  'content-type',
  'json-with-bigint',
  'p-queue',
  'p-timeout',
  'eventemitter3',
  'toad-cache',
  'fast-content-type-parse',
  'universal-github-app-jwt',
  'bottleneck',
  'markdown-table',
  'marked',
];
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  },
];
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/helpers/summary-reporter.js'],
  // Workers: e2e suites start real servers; two cores here.
  maxWorkers: process.env.CI ? 2 : '50%',
};
