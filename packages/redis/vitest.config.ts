import { defineProject } from 'vitest/config';
import { projectTimeouts } from '../../vitest.shared.ts';

export default defineProject({
  test: { ...projectTimeouts, name: 'redis', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
