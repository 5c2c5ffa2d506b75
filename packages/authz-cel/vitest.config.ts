import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'authz-cel', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
