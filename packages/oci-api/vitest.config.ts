import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'oci-api', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
