import { describe, expect, it } from 'vitest';
import { classifyManifest, isSignature, parseSignatureTag, signatureTagFor } from './classify.js';
import {
  COSIGN_ARTIFACT_SIG_TYPE,
  COSIGN_SIGNATURE_ANNOTATION,
  DSSE_ENVELOPE_MEDIA_TYPE,
  NOTATION_SIGNATURE_TYPE,
  OCI_EMPTY_MEDIA_TYPE,
  SIGSTORE_BUNDLE_V03_TYPE,
  SIMPLE_SIGNING_MEDIA_TYPE,
} from './media-types.js';

const IMAGE = `sha256:${'ab'.repeat(32)}`;
const SELF = `sha256:${'cd'.repeat(32)}`;
const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: SELF, size: 2 };
const subject = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: IMAGE, size: 10 };
const layer = (mediaType: string, annotations?: Record<string, string>) => ({
  mediaType,
  digest: SELF,
  size: 3,
  ...(annotations ? { annotations } : {}),
});
const simpleSigningLayer = layer(SIMPLE_SIGNING_MEDIA_TYPE, { [COSIGN_SIGNATURE_ANNOTATION]: 'MEUC' });

describe('signatureTagFor', () => {
  it('names the legacy tag cosign uses for a digest', () => {
    expect(signatureTagFor(IMAGE)).toBe(`sha256-${'ab'.repeat(32)}.sig`);
    expect(signatureTagFor(IMAGE, 'att')).toBe(`sha256-${'ab'.repeat(32)}.att`);
  });

  it('round-trips through parseSignatureTag, and other tags are not signature tags', () => {
    expect(parseSignatureTag(signatureTagFor(IMAGE, 'sbom'))).toEqual({ digest: IMAGE, suffix: 'sbom' });
    expect(parseSignatureTag('latest')).toBeUndefined();
    expect(parseSignatureTag('sha256-abc.sig')).toBeUndefined();
  });
});

describe('classifyManifest', () => {
  it('recognises the legacy .sig, .att and .sbom tags and what they sign', () => {
    const manifest = { schemaVersion: 2, config, layers: [simpleSigningLayer] };
    expect(
      classifyManifest({ repository: 'app', tag: signatureTagFor(IMAGE), manifest, digest: SELF }),
    ).toEqual({ kind: 'cosign-signature', signs: IMAGE });
    expect(
      classifyManifest({ repository: 'app', tag: signatureTagFor(IMAGE, 'att'), manifest, digest: SELF })
        .kind,
    ).toBe('cosign-attestation');
    expect(
      classifyManifest({ repository: 'app', tag: signatureTagFor(IMAGE, 'sbom'), manifest, digest: SELF })
        .kind,
    ).toBe('cosign-sbom');
  });

  it('recognises simple-signing and DSSE layers without a tag, from the bytes', () => {
    const sig = Buffer.from(JSON.stringify({ schemaVersion: 2, config, layers: [simpleSigningLayer] }));
    expect(classifyManifest({ repository: 'app', manifest: sig, digest: SELF })).toEqual({
      kind: 'cosign-signature',
    });
    const att = {
      schemaVersion: 2,
      config,
      layers: [layer(DSSE_ENVELOPE_MEDIA_TYPE, { [COSIGN_SIGNATURE_ANNOTATION]: '' })],
      subject,
    };
    expect(classifyManifest({ repository: 'app', manifest: att, digest: SELF })).toEqual({
      kind: 'cosign-attestation',
      signs: IMAGE,
    });
  });

  it('recognises a cosign 3 bundle referrer by artifact type, or by its layer when the type is the empty config', () => {
    const bundleLayer = layer(SIGSTORE_BUNDLE_V03_TYPE);
    const byType = {
      schemaVersion: 2,
      artifactType: SIGSTORE_BUNDLE_V03_TYPE,
      config: { ...config, mediaType: OCI_EMPTY_MEDIA_TYPE },
      layers: [bundleLayer],
      subject,
    };
    expect(classifyManifest({ repository: 'app', manifest: byType, digest: SELF })).toEqual({
      kind: 'sigstore-bundle',
      signs: IMAGE,
    });
    const byLayer = {
      schemaVersion: 2,
      config: { ...config, mediaType: OCI_EMPTY_MEDIA_TYPE },
      layers: [bundleLayer],
      subject,
    };
    expect(classifyManifest({ repository: 'app', manifest: byLayer, digest: SELF }).kind).toBe(
      'sigstore-bundle',
    );
  });

  it('recognises cosign artifact signatures and notation signatures as referrers', () => {
    const cosign = {
      schemaVersion: 2,
      artifactType: COSIGN_ARTIFACT_SIG_TYPE,
      config,
      layers: [simpleSigningLayer],
      subject,
    };
    expect(classifyManifest({ repository: 'app', manifest: cosign, digest: SELF })).toEqual({
      kind: 'cosign-artifact-sig',
      signs: IMAGE,
    });
    const notation = {
      schemaVersion: 2,
      artifactType: NOTATION_SIGNATURE_TYPE,
      config,
      layers: [layer('application/jose+json')],
      subject,
    };
    expect(classifyManifest({ repository: 'app', manifest: notation, digest: SELF })).toEqual({
      kind: 'notation-signature',
      signs: IMAGE,
    });
    const notationByConfig = {
      schemaVersion: 2,
      config: { ...config, mediaType: NOTATION_SIGNATURE_TYPE },
      layers: [],
      subject,
    };
    expect(classifyManifest({ repository: 'app', manifest: notationByConfig, digest: SELF }).kind).toBe(
      'notation-signature',
    );
  });

  it('classifies images, SBOM referrers of other tools and junk as other', () => {
    const image = {
      schemaVersion: 2,
      config,
      layers: [layer('application/vnd.oci.image.layer.v1.tar+gzip')],
    };
    expect(classifyManifest({ repository: 'app', tag: 'latest', manifest: image, digest: SELF })).toEqual({
      kind: 'other',
    });
    const sbom = {
      schemaVersion: 2,
      artifactType: 'application/spdx+json',
      config,
      layers: [layer('application/spdx+json')],
      subject,
    };
    expect(classifyManifest({ repository: 'app', manifest: sbom, digest: SELF }).kind).toBe('other');
    expect(classifyManifest({ repository: 'app', manifest: '{not json', digest: SELF })).toEqual({
      kind: 'other',
    });
    expect(classifyManifest({ repository: 'app', manifest: null, digest: SELF })).toEqual({ kind: 'other' });
  });

  it('ignores a subject that is not a digest', () => {
    const manifest = {
      schemaVersion: 2,
      artifactType: NOTATION_SIGNATURE_TYPE,
      config,
      layers: [],
      subject: { digest: '../etc' },
    };
    expect(classifyManifest({ repository: 'app', manifest, digest: SELF })).toEqual({
      kind: 'notation-signature',
    });
  });
});

describe('isSignature', () => {
  it('is true for what GC keeps with the signed image and false for images', () => {
    const sig = { schemaVersion: 2, config, layers: [simpleSigningLayer] };
    expect(
      isSignature({ repository: 'app', tag: signatureTagFor(IMAGE, 'sbom'), manifest: sig, digest: SELF }),
    ).toBe(true);
    expect(
      isSignature({ repository: 'app', manifest: { schemaVersion: 2, config, layers: [] }, digest: SELF }),
    ).toBe(false);
  });
});
