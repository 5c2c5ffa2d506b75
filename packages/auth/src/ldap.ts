// LDAP logins for basic authentication (zot's `http.auth.ldap`), shaped for a registry: one `docker push` sends
// hundreds of requests with the same credentials, and each must not cost a round trip to the directory.
// - A successful login is remembered for `cacheTtlMs` (default 60 s) with its groups, keyed by
//   sha256(username, password): the cache holds digests, never passwords. A changed password or a removed user
//   takes effect in the directory at once and here when the entry expires.
// - A wrong password is remembered for `failureTtlMs` (default 10 s), so a client repeating it does not bind
//   again and again (directories lock accounts after a number of failed binds).
// - Identical logins in flight share one LDAP exchange; at most `maxConcurrent` exchanges run at once,
//   taking turns between client addresses (fair-limiter.ts), so a flood from one address waits behind others.
// - The directory being down or slow is 'unavailable' (a 401 for the caller), reported through `onUnavailable`
//   once per exchange; it is never cached, so logins work again as soon as the directory is back.
import { createHash } from 'node:crypto';
import { createFairLimiter, LimiterBusyError } from './fair-limiter.js';
import { type LdapDirectoryOptions, type LdapLoginResult, ldapLogin } from './ldap-login.js';

export interface LdapAuthenticatorOptions extends LdapDirectoryOptions {
  /** How long a successful login is remembered. Default 60 s; 0 disables the cache. */
  cacheTtlMs?: number;
  /** How long a wrong password is remembered. Default 10 s; 0 disables it. */
  failureTtlMs?: number;
  cacheMaxEntries?: number;
  /** LDAP exchanges at once. Default 8. */
  maxConcurrent?: number;
  /** Called when the directory cannot answer (one call per failed exchange); never given a password. */
  onUnavailable?: (event: { address: string; port: number; stage: string; error: string }) => void;
  now?: () => number;
  /** The exchange itself; tests may count or replace it. */
  login?: typeof ldapLogin;
}

export type LdapCheck =
  | { kind: 'match'; groups: string[] }
  | { kind: 'mismatch' }
  | { kind: 'unavailable' }
  | { kind: 'busy' };

export interface LdapAuthenticator {
  /** `source` is the client address, for taking turns. */
  verify(username: string, password: string, source?: string): Promise<LdapCheck>;
  /** Forgets every remembered login (config reload). */
  clear(): void;
  /** A new service account (its credentials file changed); logins in flight finish with the old one. */
  setServiceAccount(account: { bindDN?: string; bindPassword?: string }): void;
  close(): Promise<void>;
}

interface Remembered {
  expiry: number;
  result: { kind: 'match'; groups: string[] } | { kind: 'mismatch' };
}

export function createLdapAuthenticator(options: LdapAuthenticatorOptions): LdapAuthenticator {
  const now = options.now ?? Date.now;
  const login = options.login ?? ldapLogin;
  const successTtl = options.cacheTtlMs ?? 60_000;
  const failureTtl = options.failureTtlMs ?? 10_000;
  const maxEntries = options.cacheMaxEntries ?? 10_000;
  const remembered = new Map<string, Remembered>();
  const inFlight = new Map<string, Promise<LdapLoginResult>>();
  const limiter = createFairLimiter({ concurrency: options.maxConcurrent ?? 8, maxQueuedPerSource: 64 });
  let directory: LdapDirectoryOptions = options;

  const remember = (key: string, result: Remembered['result']) => {
    const ttl = result.kind === 'match' ? successTtl : failureTtl;
    if (ttl <= 0) return;
    remembered.delete(key);
    remembered.set(key, { expiry: now() + ttl, result });
    while (remembered.size > maxEntries) {
      const oldest = remembered.keys().next();
      if (oldest.done) break;
      remembered.delete(oldest.value);
    }
  };

  return {
    async verify(username, password, source = '') {
      const key = createHash('sha256').update(username).update('\0').update(password).digest('hex');
      const known = remembered.get(key);
      if (known !== undefined) {
        if (known.expiry > now()) return known.result;
        remembered.delete(key);
      }
      let pending = inFlight.get(key);
      if (pending === undefined) {
        pending = limiter.run(source, username, async () => {
          const answer = await login(directory, username, password);
          // reported here, once per exchange, not once per request waiting on it
          if (answer.kind === 'unavailable') {
            options.onUnavailable?.({
              address: options.address,
              port: options.port,
              stage: answer.stage,
              error: answer.error,
            });
          }
          return answer;
        });
        inFlight.set(key, pending);
        const forget = () => inFlight.delete(key);
        pending.then(forget, forget);
      }
      let result: LdapLoginResult;
      try {
        result = await pending;
      } catch (error) {
        if (error instanceof LimiterBusyError) return { kind: 'busy' };
        throw error;
      }
      if (result.kind === 'unavailable') return { kind: 'unavailable' };
      const outcome: Remembered['result'] =
        result.kind === 'match' ? { kind: 'match', groups: [...result.groups].sort() } : { kind: 'mismatch' };
      remember(key, outcome);
      return outcome;
    },
    clear: () => remembered.clear(),
    setServiceAccount(account) {
      const { bindDN: _dn, bindPassword: _password, ...rest } = directory;
      directory = {
        ...rest,
        ...(account.bindDN === undefined ? {} : { bindDN: account.bindDN }),
        ...(account.bindPassword === undefined ? {} : { bindPassword: account.bindPassword }),
      };
    },
    async close() {
      remembered.clear();
      inFlight.clear();
    },
  };
}
