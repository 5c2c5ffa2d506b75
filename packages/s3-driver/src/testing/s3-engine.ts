// Starts a real S3 engine for tests: Ceph RGW from ../shared/s3-engine/start.sh (one mon, one OSD,
// radosgw on loopback), once per test file, on a free block of 21 ports. Other packages' tests use it
// through `@zot-ts/s3-driver/testing`.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { type S3DriverOptions, s3DriverOptionsFrom } from '../options.js';
import { createS3Driver, type S3Driver } from '../s3-driver.js';

const run = promisify(execFile);
// the SDK's notice that releases after January 2027 need Node 22: known (STACK.md), noise in test output
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface S3Engine {
  endpoint: string;
  region: string;
  accessKey: string;
  secretKey: string;
  /** A bucket created at start. */
  bucket: string;
  /** The storageDriver block zot's config would hold for this engine, under `rootDirectory`. */
  storageDriver(rootDirectory: string): Record<string, unknown>;
  /** A driver on the bucket under `rootDirectory`; `overrides` change options (part size, ...). */
  driver(rootDirectory: string, overrides?: Partial<S3DriverOptions>): S3Driver;
  stop(): Promise<void>;
}

/** The engine script: S3_ENGINE_SCRIPT, else ../shared/s3-engine/start.sh beside the repository. */
function engineScript(): string {
  if (process.env.S3_ENGINE_SCRIPT) return process.env.S3_ENGINE_SCRIPT;
  const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
  return join(repositoryRoot, '..', 'shared', 's3-engine', 'start.sh');
}

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** A base port whose 21 ports (S3, monitor, OSD) are all free now. */
async function freePortBlock(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20_000 + Math.floor(Math.random() * 2000) * 21;
    let free = true;
    for (let port = base; port < base + 21 && free; port += 1) free = await portFree(port);
    if (free) return base;
  }
  throw new Error('no free block of 21 loopback ports');
}

export async function startS3Engine(): Promise<S3Engine> {
  // short: Ceph's admin sockets fail under paths longer than ~80 characters
  const directory = await mkdtemp(join(tmpdir(), 's3e-'));
  const port = await freePortBlock();
  const script = engineScript();
  let output: string;
  try {
    output = (
      await run('bash', [script, 'start', directory, String(port)], {
        env: { ...process.env, S3E_NO_INSTALL: process.env.S3E_NO_INSTALL ?? '1', S3E_STOP_GRACE: '2' },
        maxBuffer: 16 * 1024 * 1024,
      })
    ).stdout;
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const values = Object.fromEntries(
    output
      .split('\n')
      .map((line) => line.match(/^([A-Z0-9_]+)=(.*)$/))
      .filter((match): match is RegExpMatchArray => match !== null)
      .map((match) => [match[1], match[2]]),
  ) as Record<string, string>;
  const endpoint = values.S3_ENDPOINT ?? `http://127.0.0.1:${port}`;
  const region = values.S3_REGION ?? 'us-east-1';
  const accessKey = values.S3_ACCESS_KEY ?? '';
  const secretKey = values.S3_SECRET_KEY ?? '';
  const bucket = `zot-${Date.now().toString(36)}`;
  const storageDriver = (rootDirectory: string): Record<string, unknown> => ({
    name: 's3',
    region,
    bucket,
    regionendpoint: endpoint,
    rootdirectory: rootDirectory,
    accesskey: accessKey,
    secretkey: secretKey,
    forcepathstyle: true,
    secure: false,
  });
  const drivers: S3Driver[] = [];
  const driver = (rootDirectory: string, overrides: Partial<S3DriverOptions> = {}): S3Driver => {
    const created = createS3Driver({ ...s3DriverOptionsFrom(storageDriver(rootDirectory)), ...overrides });
    drivers.push(created);
    return created;
  };
  const engine: S3Engine = {
    endpoint,
    region,
    accessKey,
    secretKey,
    bucket,
    storageDriver,
    driver,
    async stop() {
      for (const created of drivers) created.destroy();
      await run('bash', [script, 'stop', directory], { env: { ...process.env, S3E_STOP_GRACE: '2' } }).catch(
        () => undefined,
      );
      await rm(directory, { recursive: true, force: true });
    },
  };
  try {
    await driver('').client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    await engine.stop();
    throw error;
  }
  return engine;
}
