import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'gc-metrics', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
