import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'notation', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
