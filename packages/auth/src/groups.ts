// Static groups from `http.accessControl.groups` (`{ "<group>": { "users": ["alice", ...] } }`),
// as zot's getUserGroups reads them.

export type StaticGroups = Record<string, { users?: string[] }>;

export function groupsOf(username: string, groups: StaticGroups | undefined, extra: string[] = []): string[] {
  const found = new Set(extra);
  for (const [group, members] of Object.entries(groups ?? {})) {
    if (members.users?.includes(username)) found.add(group);
  }
  return [...found].sort();
}
