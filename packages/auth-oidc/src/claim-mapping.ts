// From ID-token and userinfo claims to a registry user: username, groups and the claims kept for
// policies. zot reads the username claim (default `email`) and the groups claim (default `groups`);
// we also merge static accessControl.groups membership, which zot does not do for OIDC users.
import { OidcFlowError } from './errors.js';
import type { Logger } from './ports.js';

/** zot's `http.accessControl.groups`; a group may list no users (zot allows it). */
export type StaticGroups = Record<string, { users?: string[] | undefined }>;

export interface ClaimMappingInput {
  idTokenClaims: Record<string, unknown>;
  userinfo?: Record<string, unknown> | undefined;
  /** Claim holding the username; `email` when the configured one is missing. */
  usernameClaim: string;
  groupsClaim: string;
  staticGroups?: StaticGroups | undefined;
  logger?: Logger | undefined;
}

export interface MappedUser {
  username: string;
  /** Provider groups and static groups, deduplicated and sorted. */
  groups: string[];
  /** ID-token claims over userinfo claims, without the one-time protocol values. */
  claims: Record<string, unknown>;
}

// Values that only protect the protocol exchange; policies have no use for them.
const protocolClaims = new Set(['nonce', 'at_hash', 'c_hash', 's_hash']);

export function mapOidcClaims(input: ClaimMappingInput): MappedUser {
  const { idTokenClaims, userinfo = {} } = input;
  const lookup = (claim: string): unknown => idTokenClaims[claim] ?? userinfo[claim];

  let username = nonEmptyString(lookup(input.usernameClaim));
  if (username === undefined && input.usernameClaim !== 'email') {
    username = nonEmptyString(lookup('email'));
    if (username !== undefined) {
      input.logger?.warn('OIDC username claim missing, falling back to email', {
        claim: input.usernameClaim,
        username,
      });
    }
  }
  if (username === undefined) {
    throw new OidcFlowError(
      'NO_USERNAME',
      `neither the "${input.usernameClaim}" claim nor "email" holds a username`,
    );
  }

  const providerGroups = [
    ...groupsFrom(idTokenClaims[input.groupsClaim]),
    ...groupsFrom(userinfo[input.groupsClaim]),
  ];
  const groups = sortedUnique([...providerGroups, ...staticGroupsOf(username, input.staticGroups)]);

  const claims: Record<string, unknown> = {};
  for (const [name, value] of Object.entries({ ...userinfo, ...idTokenClaims })) {
    if (!protocolClaims.has(name)) claims[name] = value;
  }
  if (providerGroups.length > 0) claims[input.groupsClaim] = sortedUnique(providerGroups);

  return { username, groups, claims };
}

/** Group names from a claim value: an array of strings, or a single string. */
export function groupsFrom(value: unknown): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (Array.isArray(value))
    return value.filter((item): item is string => typeof item === 'string' && item !== '');
  return [];
}

export function staticGroupsOf(username: string, staticGroups: StaticGroups | undefined): string[] {
  if (staticGroups === undefined) return [];
  return Object.entries(staticGroups)
    .filter(([, group]) => group.users?.includes(username) === true)
    .map(([name]) => name);
}

export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
