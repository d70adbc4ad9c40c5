/** Jest runs the TypeScript sources through swc; compiled output under dist/ is never collected. */
module.exports = {
  roots: ['<rootDir>/test'],
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // lowdb, steno and jose ship only ES modules, so swc compiles them as well.
  transformIgnorePatterns: ['/node_modules/(?!(lowdb|steno|jose)/)'],
  testTimeout: 20000,
};
