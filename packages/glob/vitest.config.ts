import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'glob', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
