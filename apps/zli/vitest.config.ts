import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'zli', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
