#!/usr/bin/env node
// Published entry: runs the compiled CLI from dist.
import { main } from '../dist/main.js';

main(process.argv.slice(2)).then((code) => {
  if (code !== -1) process.exitCode = code;
});
