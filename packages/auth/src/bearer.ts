// Docker token authentication (`http.auth.bearer {realm, service, cert}`), the scheme of
// https://distribution.github.io/distribution/spec/auth/token/ : the registry answers 401 with
//   Bearer realm="<realm>",service="<service>",scope="repository:<name>:<pull|push|delete>"
// the client fetches a JWT from the realm and retries with it. The token's `access` claim lists
// what it grants; it becomes Identity.credentialScopes (pull -> read, push -> create + update + delete as in
// zot, delete -> delete, * -> everything), and the authorization layer enforces it. An `access[].name` is one
// repository name, matched literally (distribution, zot): `**`, `prod/*` or `{a,b}` name nothing but themselves.
import { createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { JwtError, verifyJwt } from './jwt.js';
import {
  type Action,
  ALL_ACTIONS,
  type ChallengeRequest,
  type CredentialScope,
  type Identity,
} from './types.js';

export interface BearerOptions {
  realm: string;
  service: string;
  /** Verification key: a KeyObject, or PEM text (certificate, SPKI or PKCS#1 public key). */
  publicKey: KeyObject | string;
  /** When set, `iss` must equal it. */
  issuer?: string;
  clockToleranceSeconds?: number;
  now?: () => Date;
}

export type BearerCheck = { ok: true; identity: Identity } | { ok: false; reason: string };

export interface BearerVerifier {
  verify(token: string): BearerCheck;
  challenge(request: ChallengeRequest): string;
}

/** zot's loadPublicKeyFromFile: `cert` may hold a certificate or a bare public key. */
export async function loadBearerKey(path: string): Promise<KeyObject> {
  return publicKeyFromPem(await readFile(path, 'utf8'));
}

export function publicKeyFromPem(pem: string): KeyObject {
  if (pem.includes('-----BEGIN CERTIFICATE-----')) return new X509Certificate(pem).publicKey;
  return createPublicKey(pem);
}

const ACTIONS_OF_CLAIM: Record<string, readonly Action[]> = {
  pull: ['read'],
  // zot's token check maps DELETE to the `push` action too, so a token server set up for zot grants push only
  push: ['create', 'update', 'delete'],
  delete: ['delete'],
  '*': ALL_ACTIONS,
};

export function accessToScopes(access: unknown): CredentialScope[] {
  if (!Array.isArray(access)) return [];
  const scopes: CredentialScope[] = [];
  for (const entry of access as Array<{ type?: unknown; name?: unknown; actions?: unknown }>) {
    if (entry?.type !== 'repository' || typeof entry.name !== 'string' || !Array.isArray(entry.actions))
      continue;
    const actions = new Set<Action>();
    for (const claimed of entry.actions)
      for (const action of ACTIONS_OF_CLAIM[String(claimed)] ?? []) actions.add(action);
    if (actions.size > 0)
      scopes.push({
        repositories: [entry.name],
        actions: ALL_ACTIONS.filter((a) => actions.has(a)),
        exact: true,
      });
  }
  return scopes;
}

/**
 * Whether a token's `access` claim lets it list the whole catalog: distribution's `registry:catalog:*`, or
 * zot's form (its catalog route asks for `pull` on the repository named ""). Listing is not pulling: the
 * repositories stay closed to the token unless it names them.
 */
export function accessGrantsCatalog(access: unknown): boolean {
  if (!Array.isArray(access)) return false;
  return (access as Array<{ type?: unknown; name?: unknown; actions?: unknown }>).some(
    (entry) =>
      Array.isArray(entry?.actions) &&
      ((entry.type === 'registry' && entry.name === 'catalog' && entry.actions.includes('*')) ||
        (entry.type === 'repository' && entry.name === '' && entry.actions.includes('pull'))),
  );
}

const quote = (value: string): string => `"${value.replace(/["\\]/g, '\\$&')}"`;
// A DELETE asks for `push,delete`: a token server set up for zot grants push (which covers delete here, as in
// zot), one set up for distribution grants delete; either answer works.
const claimOf = (action: Action): string =>
  action === 'read' ? 'pull' : action === 'delete' ? 'push,delete' : 'push';

export function createBearerVerifier(options: BearerOptions): BearerVerifier {
  const key = typeof options.publicKey === 'string' ? publicKeyFromPem(options.publicKey) : options.publicKey;
  return {
    verify(token) {
      try {
        const claims = verifyJwt(token, {
          key,
          audience: options.service,
          ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
          ...(options.clockToleranceSeconds !== undefined
            ? { clockToleranceSeconds: options.clockToleranceSeconds }
            : {}),
          ...(options.now ? { now: options.now } : {}),
        });
        const identity: Identity = {
          username: typeof claims.sub === 'string' ? claims.sub : '',
          groups: [],
          method: 'bearer',
          claims,
          credentialScopes: accessToScopes(claims.access),
        };
        return { ok: true, identity };
      } catch (error) {
        if (error instanceof JwtError) return { ok: false, reason: `bearer token: ${error.message}` };
        throw error;
      }
    },
    challenge({ repository, action, error }) {
      let value = `Bearer realm=${quote(options.realm)},service=${quote(options.service)}`;
      if (repository !== '') value += `,scope=${quote(`repository:${repository}:${claimOf(action)}`)}`;
      if (error) value += `,error=${quote(error)}`;
      return value;
    },
  };
}
