// http.auth.ldap as @zot-ts/auth's LDAP authenticator. zot's connection rule (LDAPClient.Connect, built from
// the config in authn.go): `insecure: false` (the default) is LDAPS; `insecure: true` is plain LDAP, upgraded
// with StartTLS when `startTLS: true`. The service account comes from `credentialsFile` (zot reads only that;
// without it zot binds as the made-up DN "anonym-user" with no password, which OpenLDAP refuses, so we search
// anonymously instead); inline bindDN/bindPassword, which zot ignores, are used when no file is given.
// Files are read here, at start: a missing or malformed file stops `zot serve` naming its key. The credentials
// file is then watched, as zot's hot reloader watches it: a rotated service password is used from the next
// login on (a file that turns unreadable or malformed keeps the previous account, with a warning).
import { unwatchFile, watchFile } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createLdapAuthenticator, type LdapAuthenticator, readLdapCredentials } from '@zot-ts/auth';
import type { LdapConfig } from '@zot-ts/config';
import type { Logger } from '../log-sink.js';

/** Internal knobs (no zot key): the tests shorten them. */
export interface LdapTuning {
  cacheTtlMs?: number;
  connectTimeoutMs?: number;
  operationTimeoutMs?: number;
  loginTimeoutMs?: number;
  credentialsPollMs?: number;
}

export function transportOf(ldap: LdapConfig): 'plain' | 'starttls' | 'ldaps' {
  if (ldap.insecure !== true) return 'ldaps';
  return ldap.startTLS === true ? 'starttls' : 'plain';
}

export async function createLdapFromConfig(
  ldap: LdapConfig,
  logger: Logger,
  tuning: LdapTuning = {},
): Promise<LdapAuthenticator> {
  const { credentialsPollMs, ...timeouts } = tuning;
  const transport = transportOf(ldap);
  let bindDN = ldap.bindDN;
  let bindPassword = ldap.bindPassword;
  if (ldap.credentialsFile !== undefined && ldap.credentialsFile !== '') {
    try {
      ({ bindDN, bindPassword } = await readLdapCredentials(ldap.credentialsFile));
    } catch (error) {
      throw new Error(`http.auth.ldap.credentialsFile: ${(error as Error).message}`);
    }
  }
  let caCert: string | undefined;
  if (ldap.caCert !== undefined && ldap.caCert !== '') {
    try {
      caCert = await readFile(ldap.caCert, 'utf8');
    } catch (error) {
      throw new Error(
        `http.auth.ldap.caCert: ${ldap.caCert}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      );
    }
    if (!caCert.includes('-----BEGIN CERTIFICATE-----'))
      throw new Error(`http.auth.ldap.caCert: ${ldap.caCert}: no PEM certificate in the file`);
  }
  const port = ldap.port !== undefined && ldap.port !== 0 ? ldap.port : transport === 'ldaps' ? 636 : 389;
  logger.info('basic authentication (LDAP)', {
    enabled: true,
    address: ldap.address,
    port,
    transport,
    baseDN: ldap.baseDN,
    serviceBind: bindDN !== undefined && bindDN !== '',
  });
  const ldapAuthenticator = createLdapAuthenticator({
    address: ldap.address,
    port,
    transport,
    ...(ldap.skipVerify === undefined ? {} : { skipVerify: ldap.skipVerify }),
    ...(caCert === undefined ? {} : { caCert }),
    baseDN: ldap.baseDN,
    ...(ldap.subtreeSearch === undefined ? {} : { subtreeSearch: ldap.subtreeSearch }),
    userAttribute: ldap.userAttribute,
    ...(ldap.userFilter === undefined ? {} : { userFilter: ldap.userFilter }),
    ...(ldap.userGroupAttribute === undefined ? {} : { userGroupAttribute: ldap.userGroupAttribute }),
    ...(bindDN === undefined ? {} : { bindDN }),
    ...(bindPassword === undefined ? {} : { bindPassword }),
    ...timeouts,
    // one line per failed exchange; the error text comes from the socket or the server, never a password
    onUnavailable: (event) =>
      logger.error('LDAP server unavailable: login refused', {
        address: event.address,
        port: event.port,
        stage: event.stage,
        error: event.error,
      }),
  });
  const credentialsFile = ldap.credentialsFile;
  if (credentialsFile === undefined || credentialsFile === '') return ldapAuthenticator;
  const reload = () => {
    readLdapCredentials(credentialsFile).then(
      (account) => {
        ldapAuthenticator.setServiceAccount(account);
        logger.info('LDAP credentials file reloaded', { path: credentialsFile, bindDN: account.bindDN });
      },
      (error: Error) =>
        logger.warn('LDAP credentials file reload failed, keeping the previous service account', {
          path: credentialsFile,
          error: error.message,
        }),
    );
  };
  // polling (stat once a second) also sees a Kubernetes secret swapped through its ..data symlink
  watchFile(credentialsFile, { interval: credentialsPollMs ?? 1000, persistent: false }, (now, before) => {
    if (now.mtimeMs !== before.mtimeMs || now.size !== before.size || now.ino !== before.ino) reload();
  });
  return {
    ...ldapAuthenticator,
    async close() {
      unwatchFile(credentialsFile);
      await ldapAuthenticator.close();
    },
  };
}
