// Timeouts every project uses. Vitest projects do not inherit the root config's `test` options, so
// each project's vitest.config.ts spreads these in; without them a project runs on vitest's 5 s default,
// which tests that start real servers exceed on a loaded 2-core CI machine.
export const projectTimeouts = { testTimeout: 30_000, hookTimeout: 60_000 } as const;
