// The signatures feature's results in the metadata store (metastore's signatureResults), so a restart does
// not verify every signature again at once: @zot-ts/cosign's PersistedSignatureResults port over the
// metastore's record. Results are per repository (a signature signs the image in the repository it is in),
// so the record's key is `<repository>@<digest>`; each SignatureCheck keeps its full report as JSON in
// `detail`, so what is read back is exactly what was served.
import type { ManifestSignatures, PersistedSignatureResults, SignatureReport } from '@zot-ts/cosign';
import type { SignatureResult, SignatureResultStore } from '@zot-ts/metastore';

const keyOf = (repository: string, digest: string) => `${repository}@${digest}`;

function reportOf(detail: string | undefined): SignatureReport | undefined {
  if (detail === undefined) return undefined;
  try {
    const report = JSON.parse(detail) as SignatureReport;
    return typeof report.tool === 'string' && typeof report.manifestDigest === 'string' ? report : undefined;
  } catch {
    return undefined;
  }
}

function toRecord(
  repository: string,
  digest: string,
  basis: string,
  checkedAt: Date,
  result: ManifestSignatures,
): SignatureResult {
  return {
    manifestDigest: keyOf(repository, digest),
    checkedAt,
    verified: result.trusted,
    basis,
    signatures: result.signatures.map((report) => {
      const signer = report.keyFingerprint ?? report.identity?.subjectAlternativeName;
      return {
        tool: report.tool,
        verified: report.trusted,
        ...(signer === undefined ? {} : { signer }),
        detail: JSON.stringify(report),
      };
    }),
  };
}

export function persistedSignatureResults(
  store: SignatureResultStore,
): PersistedSignatureResults & { forget(repository: string, digest: string): Promise<void> } {
  return {
    /** The image is gone: its record would never be read again. */
    forget: (repository, digest) => store.delete(keyOf(repository, digest)),
    async get(repository, digest) {
      const record = await store.get(keyOf(repository, digest));
      if (record?.basis === undefined) return undefined;
      const signatures: SignatureReport[] = [];
      for (const check of record.signatures) {
        const report = reportOf(check.detail);
        // a record this code cannot read back is recomputed, never half-used
        if (report === undefined) return undefined;
        signatures.push(report);
      }
      return {
        basis: record.basis,
        checkedAt: record.checkedAt,
        result: {
          digest,
          signed: signatures.length > 0,
          trusted: signatures.some((report) => report.trusted),
          signatures,
        },
      };
    },
    put: (repository, digest, entry) =>
      store.put(toRecord(repository, digest, entry.basis, entry.checkedAt, entry.result)),
  };
}
