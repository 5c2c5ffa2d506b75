import { defineProject } from 'vitest/config';
import { projectTimeouts } from '../../vitest.shared.ts';

export default defineProject({
  // The command tests start the real zli (about 0.4 s each, more on a busy machine).
  test: {
    ...projectTimeouts,
    name: 'zli',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
