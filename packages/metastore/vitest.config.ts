import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'metastore', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
