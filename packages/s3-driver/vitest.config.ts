import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 's3-driver', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
