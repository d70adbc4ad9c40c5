/**
 * Jest config of `npm run test:e2e`: the browser end-to-end tests under test-e2e/, which drive
 * Debian's Chromium (/usr/bin/chromium) through playwright-core. `npm test` does not run them.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test-e2e'],
  // One lab and one Chromium at a time keep the screenshots and the timings steady.
  maxWorkers: 1,
  testTimeout: 180000,
};
