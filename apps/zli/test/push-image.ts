// Pushes small test images to a registry over HTTP, as a client would: monolithic blob uploads
// (POST then PUT ?digest=) and a manifest PUT. `headers` carries credentials on registries with auth.

export type Headers = Record<string, string>;

import { createHash } from 'node:crypto';

function digestOf(body: Buffer): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

export async function pushBlob(
  url: string,
  repository: string,
  body: Buffer,
  headers: Headers = {},
): Promise<{ digest: string; size: number }> {
  const digest = digestOf(body);
  const started = await fetch(`${url}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers });
  if (started.status !== 202) throw new Error(`upload start: ${started.status} ${await started.text()}`);
  const location = new URL(started.headers.get('location') ?? '', url);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    body,
    headers: { ...headers, 'content-type': 'application/octet-stream' },
  });
  if (put.status !== 201) throw new Error(`upload put: ${put.status} ${await put.text()}`);
  return { digest, size: body.length };
}

export async function pushManifest(
  url: string,
  repository: string,
  reference: string,
  document: object,
  headers: Headers = {},
): Promise<{ digest: string; size: number; mediaType: string }> {
  const body = Buffer.from(JSON.stringify(document));
  const mediaType = (document as { mediaType: string }).mediaType;
  const response = await fetch(`${url}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    body,
    headers: { ...headers, 'content-type': mediaType },
  });
  if (response.status !== 201) throw new Error(`manifest put: ${response.status} ${await response.text()}`);
  return { digest: digestOf(body), size: body.length, mediaType };
}

export async function pushImage(
  url: string,
  repository: string,
  tag: string,
  architecture = 'amd64',
  headers: Headers = {},
): Promise<{ digest: string; size: number; mediaType: string }> {
  const configBody = Buffer.from(
    JSON.stringify({
      os: 'linux',
      architecture,
      created: '2024-06-01T08:00:00Z',
      rootfs: { type: 'layers', diff_ids: [] },
    }),
  );
  const config = await pushBlob(url, repository, configBody, headers);
  const layer = await pushBlob(url, repository, Buffer.alloc(1500, `${repository}:${tag}`), headers);
  return pushManifest(
    url,
    repository,
    tag,
    {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
    },
    headers,
  );
}

/** A cosign-like signature attached with `subject`, so the registry lists it as a referrer. */
export async function pushSignature(
  url: string,
  repository: string,
  subject: { digest: string; size: number; mediaType: string },
): Promise<{ digest: string }> {
  const empty = await pushBlob(url, repository, Buffer.from('{}'));
  const payload = await pushBlob(url, repository, Buffer.from('signed payload'));
  const document = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
    config: { mediaType: 'application/vnd.oci.empty.v1+json', ...empty },
    layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', ...payload }],
    subject,
  };
  const digest = digestOf(Buffer.from(JSON.stringify(document)));
  return pushManifest(url, repository, digest, document);
}
