import { defineProject } from 'vitest/config';
import { projectTimeouts } from '../../vitest.shared.ts';

export default defineProject({
  test: { ...projectTimeouts, name: 's3-driver', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
