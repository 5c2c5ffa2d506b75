import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'cosign', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
