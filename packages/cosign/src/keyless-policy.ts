// Who may sign keylessly: the identities (certificate subject and OIDC issuer) that a configured trusted
// root alone does not decide. Mirrors cosign's --certificate-identity[-regexp] and
// --certificate-oidc-issuer, with one deliberate difference: a subjectRegExp must match the WHOLE
// identity (it is anchored), where cosign's Go regexp matches anywhere, so that a pattern like
// `https://github.com/acme/` cannot be satisfied by `https://evil.example/?https://github.com/acme/`.
import { TrustedRootError } from './trusted-root.js';

/** One accepted signer: the OIDC issuer (exact) and the subject, exact or by regular expression. */
export interface KeylessIdentity {
  issuer: string;
  subject?: string;
  subjectRegExp?: string;
}

/** What a verified certificate says about its signer (Fulcio: SAN and issuer extension). */
export interface CertificateIdentity {
  subjectAlternativeName?: string;
  issuer?: string;
}

export interface KeylessPolicy {
  /** No identities configured: every certificate the trusted root vouches for is accepted. */
  readonly open: boolean;
  /** Whether `identity` is one of the configured signers. */
  accepts(identity: CertificateIdentity): boolean;
}

interface CompiledIdentity {
  issuer: string;
  matchesSubject(subject: string): boolean;
}

/** Compiles the configured identities; throws TrustedRootError INVALID_KEYLESS_IDENTITY on a bad entry. */
export function compileKeylessPolicy(identities: readonly KeylessIdentity[] = []): KeylessPolicy {
  const compiled = identities.map((identity, index) => compileIdentity(identity, index));
  return {
    open: compiled.length === 0,
    accepts(identity) {
      if (compiled.length === 0) return true;
      const { subjectAlternativeName: subject, issuer } = identity;
      if (subject === undefined || issuer === undefined) return false;
      return compiled.some((entry) => entry.issuer === issuer && entry.matchesSubject(subject));
    },
  };
}

function compileIdentity(identity: KeylessIdentity, index: number): CompiledIdentity {
  const where = `keylessIdentities[${index}]`;
  const fail = (message: string, cause?: unknown): never => {
    throw new TrustedRootError(`${where}: ${message}`, {
      code: 'INVALID_KEYLESS_IDENTITY',
      ...(cause === undefined ? {} : { cause }),
    });
  };
  if (typeof identity.issuer !== 'string' || identity.issuer === '') fail('an issuer is required');
  const { subject, subjectRegExp } = identity;
  if ((subject === undefined) === (subjectRegExp === undefined))
    fail('give exactly one of subject and subjectRegExp');
  if (subject !== undefined) {
    if (subject === '') fail('subject must not be empty');
    return { issuer: identity.issuer, matchesSubject: (candidate) => candidate === subject };
  }
  let pattern: RegExp | undefined;
  try {
    pattern = new RegExp(`^(?:${subjectRegExp})$`, 'u');
  } catch (error) {
    fail(`subjectRegExp is not a valid regular expression: ${(error as Error).message}`, error);
  }
  const anchored = pattern as RegExp;
  return { issuer: identity.issuer, matchesSubject: (candidate) => anchored.test(candidate) };
}

/** How a refused identity is described in a report. */
export function describeIdentity(identity: CertificateIdentity): string {
  return `${identity.subjectAlternativeName ?? '(no subject)'} from ${identity.issuer ?? '(no issuer)'}`;
}
