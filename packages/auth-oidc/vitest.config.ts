import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'auth-oidc', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
