import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'metadb', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
