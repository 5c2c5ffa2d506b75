import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'oci-store', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
