// Fixtures for the web UI's browser tests and screenshot script: Debian's chromium driven by playwright-core
// (nothing downloaded), the UI built if its sources changed, and a registry filled by real clients (umoci makes
// the images, skopeo pushes them) plus a cosign-style signature and an SBOM referrer pushed over HTTP.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureUiBuilt } from '@zot-ts/ui/build';
import { type BrowserContext, chromium } from 'playwright-core';
import { basic } from './auth-fixtures.js';
import { makeImage, makeReferrer, ociManifestType } from './conformance-fixtures.js';
import { sha256 } from './helpers.js';

const run = promisify(execFile);

export { ensureUiBuilt };

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** One chromium with a fresh profile; `viewport` defaults to a laptop screen. */
export async function launchChromium(viewport = { width: 1280, height: 860 }): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'zot-ui-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface UmociImage {
  tag: string;
  arch: string;
  description: string;
  created: string;
}

/** Makes an image with umoci (a config with a platform, labels and a history entry) and pushes it with skopeo. */
export async function pushWithSkopeo(
  registryUrl: string,
  work: string,
  destination: string,
  image: UmociImage,
  credentials: string,
): Promise<void> {
  const layout = join(work, 'layout');
  await run('umoci', ['init', '--layout', layout]).catch(() => undefined); // already there: fine
  const ref = `${layout}:${image.tag}`;
  await run('umoci', ['new', '--image', ref]);
  await run('umoci', [
    'config',
    '--image',
    ref,
    '--os',
    'linux',
    '--architecture',
    image.arch,
    '--created',
    image.created,
    '--history.created_by',
    `/bin/sh -c make ${image.tag}`,
    '--config.label',
    `org.opencontainers.image.description=${image.description}`,
    '--manifest.annotation',
    `org.opencontainers.image.description=${image.description}`,
    '--manifest.annotation',
    'org.opencontainers.image.vendor=zot-ts tests',
  ]);
  await run('skopeo', [
    'copy',
    '--dest-tls-verify=false',
    '--dest-creds',
    credentials,
    `oci:${layout}:${image.tag}`,
    `docker://${new URL(registryUrl).host}/${destination}`,
  ]);
}

async function pushOver(
  url: string,
  repo: string,
  image: ReturnType<typeof makeImage>,
  ref: string,
  auth: string,
) {
  const headers = { Authorization: auth };
  for (const blob of [image.config, image.layer]) {
    const started = await fetch(`${url}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers });
    const location = started.headers.get('location') ?? '';
    const digest = sha256(blob);
    const put = await fetch(`${url}${location}${location.includes('?') ? '&' : '?'}digest=${digest}`, {
      method: 'PUT',
      headers: { ...headers, 'Content-Type': 'application/octet-stream' },
      body: blob,
    });
    if (put.status !== 201) throw new Error(`blob push answered ${put.status}`);
  }
  const put = await fetch(`${url}/v2/${repo}/manifests/${ref}`, {
    method: 'PUT',
    headers: { ...headers, 'Content-Type': ociManifestType },
    body: image.manifest,
  });
  if (put.status !== 201) throw new Error(`manifest push answered ${put.status}: ${await put.text()}`);
}

/** The digest `repo:tag` resolves to. */
export async function digestOf(url: string, repo: string, tag: string, auth: string): Promise<string> {
  const response = await fetch(`${url}/v2/${repo}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { Authorization: auth, Accept: ociManifestType },
  });
  const digest = response.headers.get('docker-content-digest');
  if (digest === null) throw new Error(`no digest for ${repo}:${tag} (${response.status})`);
  return digest;
}

/** A cosign-style signature (the `sha256-<hex>.sig` tag) of `repo:tag`, and an SBOM referrer of it. */
export async function signAndAttach(url: string, repo: string, tag: string, user: string, password: string) {
  const auth = basic(user, password);
  const digest = await digestOf(url, repo, tag, auth);
  await pushOver(
    url,
    repo,
    makeImage(`cosign signature of ${digest}`),
    `sha256-${digest.slice(7)}.sig`,
    auth,
  );
  const manifest = await (
    await fetch(`${url}/v2/${repo}/manifests/${digest}`, {
      headers: { Authorization: auth, Accept: ociManifestType },
    })
  ).text();
  const subject = { config: '', layer: Buffer.alloc(0), manifest, digest };
  const sbom = makeReferrer(`sbom of ${digest}`, subject, 'application/spdx+json');
  await pushOver(url, repo, sbom, sbom.digest, auth);
  return { digest, sbomDigest: sbom.digest };
}
