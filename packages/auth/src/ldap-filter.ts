// The user search filter of an LDAP login, built as zot's LDAPClient.userFilter builds it, with the username
// escaped so that it can only ever be a value: RFC 4515 section 3 says `*`, `(`, `)`, `\` and NUL MUST be
// written as `\XX` inside an assertion value. Without that, `*` would match every user and `admin)(uid=*`
// would add an assertion of the caller's choosing.

/** RFC 4515: the five characters that may not appear literally in an assertion value, as `\XX`. */
export function escapeFilterValue(value: string): string {
  return value.replace(
    /[*()\\\0]/g,
    (character) => `\\${character.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/**
 * `(<userAttribute>=<escaped username>)`, and-ed with `userFilter` when one is configured. zot writes
 * `(&(<filter>)(<userFilter>))` around a filter that already has its parentheses; we accept `userFilter` with or
 * without its outer parentheses (`(!(nsaccountlock=TRUE))` as in zot's example, or `objectClass=person`).
 */
export function userSearchFilter(userAttribute: string, username: string, userFilter?: string): string {
  const byName = `(${userAttribute}=${escapeFilterValue(username)})`;
  const extra = userFilter?.trim() ?? '';
  if (extra === '') return byName;
  const wrapped = extra.startsWith('(') ? extra : `(${extra})`;
  return `(&${byName}${wrapped})`;
}
