import { defineProject } from 'vitest/config';
import { projectTimeouts } from '../../vitest.shared.ts';

export default defineProject({
  test: { ...projectTimeouts, name: 'oci-client', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
