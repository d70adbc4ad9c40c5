#!/usr/bin/env node
'use strict';
// Entry point of the `vigor-sim` command; the TypeScript sources are compiled to dist/ by `npm run build`.
let cli;
try {
  cli = require('../dist/emulator/cli.js');
} catch (error) {
  if (error.code !== 'MODULE_NOT_FOUND') throw error;
  process.stderr.write('vigor-sim: the compiled program is missing; run "npm run build" (npm ci and npm start do it for you).\n');
  process.exit(1);
}
cli.main(process.argv.slice(2)).then((code) => process.exit(code));
