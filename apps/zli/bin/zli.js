#!/usr/bin/env node
// zli as published: oclif reads package.json and loads the compiled commands from dist/.
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
