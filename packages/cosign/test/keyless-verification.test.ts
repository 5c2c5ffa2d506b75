// Keyless (Fulcio certificate + Rekor entry) bundles verified offline against a configured trusted root,
// with a private sigstore deployment made in the test (@zot-ts/cosign/testing).
import { describe, expect, it } from 'vitest';
import { createSignatureVerifier, type KeylessIdentity, type SignatureReport } from '../src/index.js';
import {
  createSigstoreDeployment,
  keylessDsseBundle,
  keylessMessageBundle,
  OIDC_ISSUER,
  SIGNER_EMAIL,
  type SigstoreDeployment,
} from '../src/testing/index.js';
import { inTotoStatement, pushBundleReferrer } from './cosign-fixtures.js';
import { useVerifierHarness } from './verifier-harness.js';

const REPO = 'team/app';
const deployment = createSigstoreDeployment();

describe('SignatureVerifier with a trusted root (keyless)', () => {
  const h = useVerifierHarness();

  /** Pushes an image and the bundle made for it, and returns the one report. */
  async function verdict(
    makeBundle: (image: { digest: string; content: Uint8Array }) => object,
    options: { root?: SigstoreDeployment | Record<string, unknown>; identities?: KeylessIdentity[] } = {},
  ): Promise<SignatureReport | undefined> {
    const image = h.source.pushImage(REPO);
    pushBundleReferrer(h.source, REPO, image, makeBundle(image));
    const root = options.root ?? deployment;
    const verifier = createSignatureVerifier({
      source: h.source,
      trustStore: h.trustStore,
      trustedRoot: 'trustedRoot' in root ? (root as SigstoreDeployment).trustedRoot() : root,
      ...(options.identities ? { keylessIdentities: options.identities } : {}),
    });
    return (await verifier.status(REPO, image.digest)).signatures[0];
  }

  it('trusts a message signature by a Fulcio leaf under an intermediate, and names the signer', async () => {
    const leaf = deployment.issue();
    const report = await verdict((image) => keylessMessageBundle(deployment, leaf, image.content));
    expect(report).toMatchObject({
      kind: 'sigstore-bundle',
      status: 'trusted',
      trusted: true,
      identity: { subjectAlternativeName: SIGNER_EMAIL, issuer: OIDC_ISSUER },
    });
    expect(report?.reason).toBeUndefined();
  });

  it('trusts a cosign 3 DSSE bundle from a workflow (URI identity) under a root-only CA', async () => {
    const rootOnly = createSigstoreDeployment({ intermediate: false });
    const workflow = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
    const leaf = rootOnly.issue({
      identity: { uri: workflow },
      oidcIssuer: 'https://token.actions.githubusercontent.com',
    });
    const report = await verdict(
      (image) => keylessDsseBundle(rootOnly, leaf, inTotoStatement(image.digest)),
      {
        root: rootOnly,
        identities: [
          {
            issuer: 'https://token.actions.githubusercontent.com',
            subjectRegExp: 'https://github\\.com/acme/.*',
          },
        ],
      },
    );
    expect(report).toMatchObject({
      status: 'trusted',
      identity: { subjectAlternativeName: workflow },
      predicateType: 'https://sigstore.dev/cosign/sign/v1',
    });
  });

  it('accepts a configured identity and refuses another subject or issuer, naming who signed', async () => {
    const leaf = deployment.issue();
    const bundle = (image: { content: Uint8Array }) => keylessMessageBundle(deployment, leaf, image.content);
    expect(
      await verdict(bundle, { identities: [{ issuer: OIDC_ISSUER, subject: SIGNER_EMAIL }] }),
    ).toMatchObject({
      status: 'trusted',
    });
    const wrongSubject = await verdict(bundle, {
      identities: [{ issuer: OIDC_ISSUER, subject: 'release@example.com' }],
    });
    expect(wrongSubject).toMatchObject({
      status: 'untrusted',
      reason: `certificate identity ${SIGNER_EMAIL} from ${OIDC_ISSUER} matches no configured keyless identity`,
      identity: { subjectAlternativeName: SIGNER_EMAIL, issuer: OIDC_ISSUER },
    });
    const wrongIssuer = await verdict(bundle, {
      identities: [{ issuer: 'https://other-issuer.test', subject: SIGNER_EMAIL }],
    });
    expect(wrongIssuer?.status).toBe('untrusted');
  });

  it('anchors subjectRegExp to the whole identity, unlike a bare substring match', async () => {
    const leaf = deployment.issue({ identity: { uri: 'https://evil.test/?https://github.com/acme/' } });
    const report = await verdict((image) => keylessMessageBundle(deployment, leaf, image.content), {
      identities: [{ issuer: OIDC_ISSUER, subjectRegExp: 'https://github\\.com/acme/.*' }],
    });
    expect(report?.status).toBe('untrusted');
  });

  it('finds a leaf issued by a CA outside the trusted root untrusted', async () => {
    const elsewhere = createSigstoreDeployment();
    const leaf = elsewhere.issue();
    // Logged by the trusted Rekor, so only the certificate chain is wrong.
    const report = await verdict((image) => keylessMessageBundle(deployment, leaf, image.content));
    expect(report).toMatchObject({
      status: 'untrusted',
      reason: expect.stringMatching(/keyless verification failed: Failed to verify certificate chain/),
    });
  });

  it('finds an entry from a log outside the trusted root untrusted', async () => {
    const otherLog = createSigstoreDeployment();
    const leaf = deployment.issue();
    const report = await verdict((image) =>
      keylessMessageBundle({ ...deployment, rekor: otherLog.rekor }, leaf, image.content),
    );
    expect(report).toMatchObject({ status: 'untrusted', reason: expect.stringContaining('inclusion') });
  });

  it('finds a tampered signed entry timestamp, or an integrated time the log did not sign, untrusted', async () => {
    const leaf = deployment.issue();
    type Entry = { inclusionPromise: { signedEntryTimestamp: string }; integratedTime: string };
    const tampered = (change: (entry: Entry) => void) => (image: { content: Uint8Array }) => {
      const bundle = keylessMessageBundle(deployment, leaf, image.content);
      change((bundle.verificationMaterial as { tlogEntries: Entry[] }).tlogEntries[0] as Entry);
      return bundle;
    };
    const flippedSet = await verdict(
      tampered((entry) => {
        const set = Buffer.from(entry.inclusionPromise.signedEntryTimestamp, 'base64');
        set[set.length - 1] = (set[set.length - 1] ?? 0) ^ 0x01;
        entry.inclusionPromise.signedEntryTimestamp = set.toString('base64');
      }),
    );
    expect(flippedSet).toMatchObject({
      status: 'untrusted',
      reason: expect.stringContaining('inclusion promise'),
    });
    const movedTime = await verdict(
      tampered((entry) => {
        entry.integratedTime = String(Number(entry.integratedTime) - 30);
      }),
    );
    expect(movedTime).toMatchObject({
      status: 'untrusted',
      reason: expect.stringContaining('inclusion promise'),
    });
  });

  it('finds a leaf that had expired when the log integrated the signature untrusted', async () => {
    const leaf = deployment.issue();
    const later = new Date(Date.now() + 60 * 60_000);
    const report = await verdict((image) =>
      keylessMessageBundle(deployment, leaf, image.content, { integratedTime: later }),
    );
    expect(report).toMatchObject({
      status: 'untrusted',
      reason: expect.stringContaining('not valid or expired at the specified date'),
    });
  });

  it('refuses a leaf without the code-signing EKU', async () => {
    const leaf = deployment.issue({ codeSigning: false });
    const report = await verdict((image) => keylessMessageBundle(deployment, leaf, image.content));
    expect(report).toMatchObject({
      status: 'untrusted',
      reason: expect.stringContaining('code-signing EKU'),
    });
  });

  it('verifies the embedded SCT when the trusted root lists a CT log, and demands one', async () => {
    const withCt = createSigstoreDeployment({ ctLog: true });
    const logged = await verdict((image) => keylessMessageBundle(withCt, withCt.issue(), image.content), {
      root: withCt,
    });
    expect(logged).toMatchObject({ status: 'trusted', identity: { subjectAlternativeName: SIGNER_EMAIL } });
    // The same deployment's root, but a leaf Fulcio never logged: no SCT.
    const unlogged = await verdict(
      (image) => keylessMessageBundle(deployment, deployment.issue(), image.content),
      {
        root: { ...deployment.trustedRoot(), ctlogs: withCt.trustedRoot().ctlogs },
      },
    );
    expect(unlogged).toMatchObject({
      status: 'untrusted',
      reason: expect.stringContaining('expected 1 SCTs'),
    });
    // An SCT by a CT log the root does not list.
    const otherCt = createSigstoreDeployment({ ctLog: true });
    const foreign = await verdict((image) => keylessMessageBundle(withCt, withCt.issue(), image.content), {
      root: { ...withCt.trustedRoot(), ctlogs: otherCt.trustedRoot().ctlogs },
    });
    expect(foreign).toMatchObject({
      status: 'untrusted',
      reason: expect.stringContaining('SCT verification failed'),
    });
  });

  it('leaves a trusted keyless bundle untrusted when no trusted root is configured', async () => {
    const image = h.source.pushImage(REPO);
    pushBundleReferrer(
      h.source,
      REPO,
      image,
      keylessMessageBundle(deployment, deployment.issue(), image.content),
    );
    expect((await h.verifier.status(REPO, image.digest)).signatures[0]).toMatchObject({
      status: 'untrusted',
      reason: 'no trusted root configured',
    });
  });

  it('refuses a bad trusted root or keyless identity when created, with a code', () => {
    const create =
      (trustedRoot: unknown, keylessIdentities: KeylessIdentity[] = []) =>
      () =>
        createSignatureVerifier({
          source: h.source,
          trustStore: h.trustStore,
          trustedRoot,
          keylessIdentities,
        });
    expect(create('{"mediaType": 1')).toThrow(expect.objectContaining({ code: 'INVALID_TRUSTED_ROOT' }));
    expect(create(JSON.stringify(deployment.trustedRoot()))).not.toThrow();
    expect(create(deployment.trustedRoot(), [{ issuer: OIDC_ISSUER, subjectRegExp: '(' }])).toThrow(
      expect.objectContaining({
        code: 'INVALID_KEYLESS_IDENTITY',
        message: expect.stringContaining('keylessIdentities[0]'),
      }),
    );
  });
});
