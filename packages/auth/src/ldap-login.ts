// One LDAP login, as zot's LDAPClient.Authenticate does it: connect (plain, StartTLS or LDAPS), bind as the
// service account, search for exactly one entry by the user attribute, then bind as that entry with the
// caller's password; the groups are the values of `userGroupAttribute` on the user's own entry.
// Every step has a deadline (ldapts' connect and operation timeouts, plus one for the whole login that closes
// the socket), so an LDAP server that is down or hung answers "unavailable" instead of holding the request.
import { isIP } from 'node:net';
// types only: ldapts is loaded at the first LDAP login, so servers without LDAP never load it
import type { Client } from 'ldapts';
import { userSearchFilter } from './ldap-filter.js';

/** How to reach the directory and find users: zot's `http.auth.ldap`, with files already read. */
export interface LdapDirectoryOptions {
  /** Host name or address; TLS certificates are checked against it. */
  address: string;
  port: number;
  /** `plain`: no TLS (zot `insecure: true`); `starttls`: plain then StartTLS; `ldaps`: TLS from the start. */
  transport: 'plain' | 'starttls' | 'ldaps';
  /** zot's `skipVerify`: accept any server certificate. */
  skipVerify?: boolean;
  /** PEM text of the CA(s) that sign the server's certificate; default: the system's roots. */
  caCert?: string;
  baseDN: string;
  subtreeSearch?: boolean;
  userAttribute: string;
  userFilter?: string;
  userGroupAttribute?: string;
  /** The service account; without it the search runs on an anonymous connection. */
  bindDN?: string;
  bindPassword?: string;
  /** TCP (and TLS) connect deadline. Default 5 s. */
  connectTimeoutMs?: number;
  /** Deadline of each LDAP operation. Default 5 s. */
  operationTimeoutMs?: number;
  /** Deadline of a whole login. Default 10 s. */
  loginTimeoutMs?: number;
}

export type LdapLoginResult =
  | { kind: 'match'; groups: string[] }
  | {
      kind: 'mismatch';
      reason:
        | 'no such user'
        | 'several users match'
        | 'wrong password'
        | 'user bind refused'
        | 'empty password';
    }
  /** The directory could not answer (down, TLS failure, service bind refused, timeout): `error` says why. */
  | { kind: 'unavailable'; stage: 'connect' | 'service bind' | 'search' | 'user bind'; error: string };

class LoginStageError extends Error {
  constructor(
    readonly stage: 'connect' | 'service bind' | 'search' | 'user bind',
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message || cause.name : String(cause));
  }
}

function tlsOptionsOf(options: LdapDirectoryOptions) {
  return {
    // the certificate is checked against `host`; SNI carries names only (RFC 6066 forbids addresses there)
    host: options.address,
    ...(isIP(options.address) === 0 ? { servername: options.address } : {}),
    rejectUnauthorized: options.skipVerify !== true,
    ...(options.caCert === undefined ? {} : { ca: options.caCert }),
  };
}

function urlOf(options: LdapDirectoryOptions): string {
  const host = options.address.includes(':') ? `[${options.address}]` : options.address;
  return `${options.transport === 'ldaps' ? 'ldaps' : 'ldap'}://${host}:${options.port}`;
}

/** Runs the login steps on `client`; each failure is tagged with the step it happened in. */
type Ldapts = typeof import('ldapts');

async function steps(
  ldapts: Ldapts,
  client: Client,
  options: LdapDirectoryOptions,
  username: string,
  password: string,
) {
  const at = async <T>(stage: LoginStageError['stage'], work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw error instanceof LoginStageError ? error : new LoginStageError(stage, error);
    }
  };
  if (options.transport === 'starttls') await at('connect', () => client.startTLS(tlsOptionsOf(options)));
  if (options.bindDN !== undefined && options.bindDN !== '') {
    const dn = options.bindDN;
    await at('service bind', () => client.bind(dn, options.bindPassword ?? ''));
  }
  const attributes = ['dn', ...(options.userGroupAttribute ? [options.userGroupAttribute] : [])];
  const { searchEntries } = await at('search', () =>
    client.search(options.baseDN, {
      scope: options.subtreeSearch === true ? 'sub' : 'one',
      derefAliases: 'never',
      filter: userSearchFilter(options.userAttribute, username, options.userFilter),
      attributes,
      // two are enough to tell "exactly one" from "several"
      sizeLimit: 2,
    }),
  ).catch((error: unknown) => {
    // sizeLimitExceeded (4) after two entries means several users match
    if (error instanceof LoginStageError && /size ?limit/i.test(error.message))
      return { searchEntries: [{ dn: '' }, { dn: '' }] };
    throw error;
  });
  if (searchEntries.length === 0) return { kind: 'mismatch', reason: 'no such user' } as const;
  if (searchEntries.length > 1) return { kind: 'mismatch', reason: 'several users match' } as const;
  const entry = searchEntries[0] as (typeof searchEntries)[number];
  try {
    await client.bind(entry.dn, password);
  } catch (error) {
    if (error instanceof ldapts.InvalidCredentialsError)
      return { kind: 'mismatch', reason: 'wrong password' } as const;
    // any other LDAP answer to the user's bind (locked account, password policy) is about her, not the server
    if (error instanceof ldapts.ResultCodeError)
      return { kind: 'mismatch', reason: 'user bind refused' } as const;
    throw new LoginStageError('user bind', error);
  }
  const groups = groupsOf(entry, options.userGroupAttribute);
  return { kind: 'match', groups } as const;
}

/** The values of the group attribute, matched case-insensitively (LDAP attribute names are). */
function groupsOf(entry: Record<string, unknown>, attribute: string | undefined): string[] {
  if (!attribute) return [];
  const key = Object.keys(entry).find((name) => name.toLowerCase() === attribute.toLowerCase());
  const value = key === undefined ? undefined : entry[key];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return [...new Set(values.map((item) => (Buffer.isBuffer(item) ? item.toString('utf8') : String(item))))];
}

/** One login against the directory, on its own connection, closed before returning. */
export async function ldapLogin(
  options: LdapDirectoryOptions,
  username: string,
  password: string,
): Promise<LdapLoginResult> {
  // RFC 4513 5.1.2: a simple bind with a DN and an empty password is an unauthenticated bind, which many
  // servers answer with success. Never send one on a user's behalf.
  if (password === '') return { kind: 'mismatch', reason: 'empty password' };
  const ldapts = await import('ldapts');
  const client = new ldapts.Client({
    url: urlOf(options),
    connectTimeout: options.connectTimeoutMs ?? 5000,
    timeout: options.operationTimeoutMs ?? 5000,
    strictDN: false,
    ...(options.transport === 'ldaps' ? { tlsOptions: tlsOptionsOf(options) } : {}),
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new LoginStageError('connect', new Error('login timed out'))),
      options.loginTimeoutMs ?? 10_000,
    );
  });
  try {
    return await Promise.race([steps(ldapts, client, options, username, password), deadline]);
  } catch (error) {
    const tagged = error instanceof LoginStageError ? error : new LoginStageError('connect', error);
    // ldapts connects lazily on the first operation: a refused or timed-out connection surfaces there
    const stage =
      /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|ECONNRESET|connect|certificate|TLS|SSL/i.test(
        tagged.message,
      )
        ? 'connect'
        : tagged.stage;
    return { kind: 'unavailable', stage, error: tagged.message };
  } finally {
    clearTimeout(timer);
    // a hung server must not hold the answer: the unbind gets one second
    let unbindTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      client.unbind().catch(() => undefined),
      new Promise((resolve) => {
        unbindTimer = setTimeout(resolve, 1000);
      }),
    ]);
    clearTimeout(unbindTimer);
  }
}
