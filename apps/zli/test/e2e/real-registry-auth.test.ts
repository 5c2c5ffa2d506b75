// End-to-end: the real zli against the real registry with authentication and signature trust on:
// htpasswd logins (`--user alice:<password>`), an API key created over HTTP (`--user bob:zak_...`), every
// command in text, json and yaml, refused credentials, and trust read from the verification endpoint.
// One server for the file: alpine:3.20 is signed (OCI 1.1 referrer) with the uploaded key, alpine:3.19 is
// signed (.sig tag) with a key the registry does not know, team/app:1.0 is not signed.

import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@zot-ts/config';
import { type RunningRegistry, startRegistry } from '@zot-ts/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { pushImage } from '../push-image.js';
import { runZli } from '../run-zli.js';
import { cosignKeyPair, signImage, uploadCosignKey } from '../sign-image.js';

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});
const alice = basic('alice', 'alice-pw');

let running: RunningRegistry;
let dir: string;
let env: Record<string, string>;
let trustedDigest = '';
let untrustedDigest = '';
let referrerDigest = '';
let fingerprint = '';
let apiKey = '';

/** zli with the profile of the secured registry and the given credentials. */
const zli = (args: string[], user?: string) =>
  runZli([...args, '--config', 'sec', ...(user === undefined ? [] : ['--user', user])], env);
const asAlice = (args: string[]) => zli(args, 'alice:alice-pw');
const withApiKey = (args: string[]) => zli(args, `bob:${apiKey}`);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zli-auth-'));
  const htpasswd = join(dir, 'htpasswd');
  // zot accepts bcrypt entries only, as `htpasswd -B` writes them (cost 4 keeps the test fast)
  const line = (user: string, password: string) =>
    execFileSync('htpasswd', ['-Bbn', '-C', '4', user, password], { encoding: 'utf8' }).trim();
  await writeFile(htpasswd, `${line('alice', 'alice-pw')}\n${line('bob', 'bob-pw')}\n`);
  const config = parseConfig({
    storage: { rootDirectory: join(dir, 'storage') },
    http: {
      address: '127.0.0.1',
      port: '0',
      auth: { htpasswd: { path: htpasswd }, apikey: true },
      accessControl: {
        repositories: { '**': { policies: [{ users: ['alice', 'bob'], actions: ['read', 'create'] }] } },
        adminPolicy: { users: ['alice'], actions: ['read', 'create', 'update', 'delete'] },
      },
    },
    extensions: { trust: { enable: true, cosign: true } },
    log: { level: 'error' },
  });
  running = await startRegistry({ config, port: 0 });
  const url = running.url;
  const trustedKey = cosignKeyPair();
  const trusted = await pushImage(url, 'alpine', '3.20', 'amd64', alice);
  trustedDigest = trusted.digest;
  referrerDigest = (await signImage(url, 'alpine', trusted, trustedKey, { mode: 'referrer', headers: alice }))
    .digest;
  const untrusted = await pushImage(url, 'alpine', '3.19', 'arm64', alice);
  untrustedDigest = untrusted.digest;
  await signImage(url, 'alpine', untrusted, cosignKeyPair(), { mode: 'tag', headers: alice });
  await pushImage(url, 'team/app', '1.0', 'amd64', alice);
  fingerprint = await uploadCosignKey(url, trustedKey, alice);
  const created = await fetch(`${url}/zot/auth/apikey`, {
    method: 'POST',
    headers: { ...basic('bob', 'bob-pw'), 'content-type': 'application/json' },
    body: JSON.stringify({ label: 'zli-test' }),
  });
  apiKey = ((await created.json()) as { apiKey: string }).apiKey;
  env = { ZLI_CONFIG: join(dir, 'zot') };
  await writeFile(env.ZLI_CONFIG as string, JSON.stringify({ configs: [{ _name: 'sec', url }] }));
});

afterAll(async () => {
  await running?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.concurrent('zli status against the real registry with authentication', () => {
  it('reports online, version and the real auth methods, in text with a password', async () => {
    const text = await asAlice(['status']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^Server Status: online\nServer Version: \S+\nDist Spec Version: 1\.1\.1\nAuthentication: apikey, htpasswd\n$/,
    );
  });

  it('reports the same in json with an API key and in yaml', async () => {
    const json = JSON.parse((await withApiKey(['status', '-f', 'json'])).stdout);
    expect(json).toMatchObject({
      status: 'online',
      distSpecVersion: '1.1.1',
      authMethods: ['apikey', 'htpasswd'],
    });
    expect(json.releaseTag).toEqual(expect.any(String));
    expect(json).not.toHaveProperty('error');
    const yaml = parseYaml((await asAlice(['status', '-f', 'yaml'])).stdout);
    expect(yaml).toEqual(json);
  });

  it('says unknown with the login methods when credentials are missing or wrong, and exits 0 like zot', async () => {
    const missing = await zli(['status']);
    expect(missing.code).toBe(0);
    expect(missing.stdout).toContain('Server Status: unknown');
    expect(missing.stdout).toContain("add the flag '--user <user>:<password>'");
    expect(missing.stdout).toContain('Authentication: apikey, htpasswd');
    const wrong = JSON.parse((await zli(['status', '-f', 'json'], 'alice:nope')).stdout);
    expect(wrong).toMatchObject({ status: 'unknown', authMethods: ['apikey', 'htpasswd'] });
    expect(wrong.error).toContain('given credentials are invalid');
  });
});

describe.concurrent('zli over the real registry with a password or an API key', () => {
  it('repo list in text, json and yaml', async () => {
    expect((await asAlice(['repo', 'list'])).stdout).toBe('REPOSITORY NAME\nalpine\nteam/app\n');
    const json = JSON.parse((await withApiKey(['repo', 'list', '-f', 'json'])).stdout);
    expect(json).toEqual({ repositories: ['alpine', 'team/app'] });
    expect(parseYaml((await asAlice(['repo', 'list', '-f', 'yaml'])).stdout)).toEqual(json);
  });

  it('image list shows SIGNED and TRUSTED from the verification endpoint, in text', async () => {
    const text = await withApiKey(['image', 'list']);
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^REPOSITORY\s+TAG\s+OS\/ARCH\s+DIGEST\s+SIGNED\s+TRUSTED\s+SIZE\s+LAST UPDATED$/,
    );
    expect(lines.slice(1).map((row) => row.split(/\s{2,}/).slice(0, 6))).toEqual([
      ['alpine', '3.19', 'linux/arm64', untrustedDigest.slice(7, 15), 'true', 'false'],
      ['alpine', '3.20', 'linux/amd64', trustedDigest.slice(7, 15), 'true', 'true'],
      ['team/app', '1.0', 'linux/amd64', expect.stringMatching(/^[0-9a-f]{8}$/), 'false', 'false'],
    ]);
  });

  it('image list in json and yaml carries trust and each signature verdict', async () => {
    const json = JSON.parse((await asAlice(['image', 'list', '-f', 'json'])).stdout) as Array<
      Record<string, unknown>
    >;
    expect(json.map((image) => [image.tag, image.signed, image.trusted])).toEqual([
      ['3.19', true, false],
      ['3.20', true, true],
      ['1.0', false, false],
    ]);
    expect(json[1]?.signatures).toEqual([
      {
        manifestDigest: referrerDigest,
        kind: 'cosign-artifact-sig',
        status: 'trusted',
        keyFingerprint: fingerprint,
      },
    ]);
    expect(json[0]?.signatures).toEqual([
      expect.objectContaining({ kind: 'cosign-signature', status: 'untrusted', reason: expect.any(String) }),
    ]);
    const yaml = parseYaml((await withApiKey(['image', 'list', '--repo', 'alpine', '-f', 'yaml'])).stdout);
    expect(yaml).toEqual(json.slice(0, 2));
  });

  it('image name in text, json and yaml', async () => {
    const text = await asAlice(['image', 'name', 'alpine:3.20', '--verbose']);
    expect(text.stdout).toMatch(
      new RegExp(`alpine\\s+3\\.20\\s+linux/amd64\\s+${trustedDigest}\\s+true\\s+true\\s`),
    );
    const json = JSON.parse((await withApiKey(['image', 'name', 'alpine:3.19', '-f', 'json'])).stdout);
    expect(json).toEqual([
      expect.objectContaining({ digest: untrustedDigest, signed: true, trusted: false }),
    ]);
    const yaml = parseYaml((await asAlice(['image', 'name', 'team/app:1.0', '-f', 'yaml'])).stdout);
    expect(yaml).toEqual([
      expect.objectContaining({ repository: 'team/app', signed: false, signatures: [] }),
    ]);
  });

  it('image digest in text, json and yaml', async () => {
    const text = await withApiKey(['image', 'digest', trustedDigest.slice(7, 19)]);
    expect(text.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(text.stdout).toMatch(/alpine\s+3\.20\s+linux\/amd64\s+[0-9a-f]{8}\s+true\s+true\s/);
    const json = JSON.parse((await asAlice(['image', 'digest', untrustedDigest, '-f', 'json'])).stdout);
    expect(json).toEqual([expect.objectContaining({ tag: '3.19', trusted: false })]);
    const yaml = parseYaml((await withApiKey(['image', 'digest', trustedDigest, '-f', 'yaml'])).stdout);
    expect(yaml).toEqual([expect.objectContaining({ tag: '3.20', trusted: true })]);
  });

  it('search subject marks the trusted signature, in text, json and yaml', async () => {
    const text = await asAlice(['search', 'subject', 'alpine:3.20']);
    expect(text.stdout).toMatch(
      new RegExp(
        `^ARTIFACT TYPE\\s+SIZE\\s+DIGEST\\s+SIGNATURE\\n` +
          `application/vnd\\.dev\\.cosign\\.artifact\\.sig\\.v1\\+json\\s+\\d+B\\s+${referrerDigest.slice(7, 15)}\\s+trusted\\n$`,
      ),
    );
    const json = JSON.parse(
      (await withApiKey(['search', 'subject', `alpine@${trustedDigest}`, '-f', 'json'])).stdout,
    );
    expect(json).toEqual([
      expect.objectContaining({
        subject: trustedDigest,
        digest: referrerDigest,
        verification: { kind: 'cosign-artifact-sig', status: 'trusted', keyFingerprint: fingerprint },
      }),
    ]);
    expect(parseYaml((await asAlice(['search', 'subject', 'alpine:3.20', '-f', 'yaml'])).stdout)).toEqual(
      json,
    );
  });
});

describe.concurrent('zli refuses wrong credentials on the real registry', () => {
  const commands = [
    ['repo', 'list'],
    ['image', 'list'],
    ['image', 'name', 'alpine:3.20'],
    ['image', 'digest', 'abcdef12'],
    ['search', 'subject', 'alpine:3.20'],
  ].map((args) => [args.join(' '), args] as const);

  it.each(commands)('%s: a wrong password or an unknown API key exits 3 with a hint', async (_name, args) => {
    const wrongPassword = await zli(args, 'alice:wrong');
    const wrongKey = await zli(args, 'bob:zak_00000000000000000000000000000000');
    for (const result of [wrongPassword, wrongKey]) {
      expect(result.code).toBe(3);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('unauthorised access');
      expect(result.stderr).toContain('the given credentials are invalid; check --user');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('no credentials exits 3 and asks for --user', async () => {
    const result = await zli(['image', 'list', '-f', 'json']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('the registry requires credentials: add --user <user>:<password>');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
