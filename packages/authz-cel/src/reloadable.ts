// Config reload without a window of wrong answers: the caller compiles the new policies first (a
// PolicyCompileError leaves the running ones untouched, and the caller logs why), then swaps. The swap
// is one reference assignment, so every decision sees either the old policies or the new, never a mix:
// a decision runs synchronously from start to end against the authorizer it started with.

import type { Authorizer } from './authorizer.js';

export interface ReloadableAuthorizer extends Authorizer {
  /** Replaces the policies for every later decision; returns the previous authorizer. */
  swap(next: Authorizer): Authorizer;
  /** The authorizer deciding right now. */
  current(): Authorizer;
}

export function createReloadableAuthorizer(initial: Authorizer): ReloadableAuthorizer {
  let active = initial;
  // stable function identities: the HTTP layer may hold `reloadable.authorize` from start-up on
  return {
    authorize: (request) => active.authorize(request),
    explain: (request) => active.explain(request),
    canRead: (repository, identity) => active.canRead(repository, identity),
    canReadMetrics: (username) => active.canReadMetrics(username),
    isAdmin: (identity) => active.isAdmin(identity),
    groupsOf: (username) => active.groupsOf(username),
    swap(next) {
      const previous = active;
      active = next;
      return previous;
    },
    current: () => active,
  };
}
