#!/usr/bin/env -S node --import tsx
// zli from the TypeScript sources, no build: "pnpm zli ..." at the repo root runs
// "node --import tsx apps/zli/bin/zli-dev.js". package.json points oclif at the compiled
// dist/commands/index.js; here the same manifest is handed to oclif with the source entry instead.
// No "development: true" on purpose: it turns on oclif debug mode, which prints stack traces on errors.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execute } from '@oclif/core';

const root = fileURLToPath(new URL('..', import.meta.url));
const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
pjson.oclif.commands = { ...pjson.oclif.commands, target: './src/commands/index.ts' };

await execute({ loadOptions: { root, pjson } });
