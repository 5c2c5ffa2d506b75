// Cross-field rules of `http.auth.ldap`. zot checks only that address, baseDN and userAttribute are given
// (validateLDAP; the schema requires them); its connection rule is in LDAPClient.Connect: `insecure: false`
// (the default) means LDAPS, whatever `startTLS` says; `insecure: true` means plain LDAP, upgraded with StartTLS
// when `startTLS: true`. Settings that this rule makes meaningless load (zot accepts them) with a warning.
import { hasText, type IssueList, objectAt, textAt } from './check-helpers.js';
import type { ConfigIssue } from './errors.js';

const AT = 'http.auth.ldap';

function ldapOf(config: Record<string, unknown>) {
  return objectAt(objectAt(objectAt(config.http)?.auth)?.ldap);
}

/** Whether the parentheses of an LDAP filter balance (escaped ones, `\28` `\29`, are not parentheses). */
function balanced(filter: string): boolean {
  let depth = 0;
  for (const character of filter) {
    if (character === '(') depth++;
    if (character === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

export function checkLdap(config: Record<string, unknown>, issues: IssueList): void {
  const ldap = ldapOf(config);
  if (ldap === undefined) return;
  const at = ['http', 'auth', 'ldap'];
  const userFilter = textAt(ldap.userFilter);
  if (userFilter !== undefined && !balanced(userFilter))
    issues.add([...at, 'userFilter'], `${JSON.stringify(userFilter)} has unbalanced parentheses`);
  if (hasText(ldap.bindPassword) && !hasText(ldap.bindDN) && !hasText(ldap.credentialsFile))
    issues.add([...at, 'bindPassword'], 'is given without bindDN');
}

/** What loads but does not do what it seems to say. */
export function ldapWarnings(config: Record<string, unknown>): ConfigIssue[] {
  const ldap = ldapOf(config);
  if (ldap === undefined) return [];
  const warnings: ConfigIssue[] = [];
  const insecure = ldap.insecure === true;
  const startTLS = ldap.startTLS === true;
  if (startTLS && !insecure) {
    warnings.push({
      path: `${AT}.startTLS`,
      message:
        'is only used with insecure: true (zot connects with LDAPS whenever insecure is false); ' +
        'this connects with LDAPS. For StartTLS write insecure: true and startTLS: true',
    });
  }
  if (insecure && !startTLS) {
    for (const key of ['skipVerify', 'caCert'] as const) {
      if (ldap[key] === true || hasText(ldap[key]))
        warnings.push({
          path: `${AT}.${key}`,
          message: 'has no effect: insecure: true without startTLS uses no TLS',
        });
    }
  }
  if (hasText(ldap.bindDN) || hasText(ldap.bindPassword)) {
    warnings.push({
      path: hasText(ldap.bindDN) ? `${AT}.bindDN` : `${AT}.bindPassword`,
      message: hasText(ldap.credentialsFile)
        ? 'is ignored: credentialsFile gives the service account'
        : 'zot v2.1.17 ignores inline bindDN/bindPassword (it reads them only from credentialsFile); ' +
          'zot-ts uses them. Move them to credentialsFile to keep the password out of the config',
    });
  }
  return warnings;
}
