// Issue 20 through the real program (`node --import tsx src/main.ts`): settings we do not provide are refused
// or warned about, one process per storage root, the port is bound before background jobs, and a storage
// root that cannot exist fails at once.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const mainScript = resolve(import.meta.dirname, '../src/main.ts');
const directories: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function tempDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'zot-guards-'));
  directories.push(directory);
  return directory;
}

function writeConfig(directory: string, config: object, name = 'config.json'): string {
  const path = join(directory, name);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function run(args: string[], as?: { uid: number; gid: number }): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', mainScript, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...as,
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Resolves with the URL once `zot serve` prints it and answers; rejects if it exits first. (The request
 *  also lets the child reach its event loop, with its SIGTERM handler in place, before a test signals it.) */
async function served(running: Run): Promise<string> {
  const url = await new Promise<string>((done, fail) => {
    const check = () => {
      const match = /serving (http:\/\/[^\s]+)/.exec(running.stderr());
      if (match?.[1] !== undefined) done(match[1]);
    };
    running.child.stderr?.on('data', check);
    void running.exited.then(() => fail(new Error(`exited: ${running.stderr()}`)));
  });
  expect((await fetch(`${url}/v2/`)).status).toBe(200);
  return url;
}

// gcs: zot builds it, we do not (s3 is built)
const gcs = { name: 'gcs', bucket: 'zot', rootdirectory: '/zot' };

describe('settings zot accepts that are not built', () => {
  it('verify and serve refuse a storage driver, naming the key (also under subPaths)', async () => {
    const directory = tempDirectory();
    const path = writeConfig(directory, {
      storage: {
        rootDirectory: join(directory, 'data'),
        subPaths: { '/team': { rootDirectory: join(directory, 'team'), storageDriver: gcs, dedupe: false } },
      },
      http: { address: '127.0.0.1', port: 0 },
    });
    const verify = run(['verify', path]);
    expect(await verify.exited).toBe(1);
    expect(verify.stderr()).toContain(
      'storage.subPaths["/team"].storageDriver: only the s3 storage driver is built',
    );

    const serve = run(['serve', path]);
    expect(await serve.exited).toBe(1);
    expect(serve.stderr()).toContain('storage.subPaths["/team"].storageDriver');
  }, 30_000);

  it('serve starts and warns once for each extension that is not built, naming its key', async () => {
    const directory = tempDirectory();
    const path = writeConfig(directory, {
      storage: { rootDirectory: join(directory, 'data') },
      http: { address: '127.0.0.1', port: 0 },
      cluster: { members: ['127.0.0.1:9000'], hashKey: 'loremipsumdolors' },
      log: { level: 'warn' },
      extensions: { lint: { enable: true } },
    });
    const verify = run(['verify', path]);
    expect(await verify.exited).toBe(0);
    expect(verify.stderr()).toContain('warning: cluster: scale-out is not built yet');
    const serve = run(['serve', path]);
    await served(serve); // it answers /v2/ before the warnings are read
    const lines = serve
      .stdout()
      .split('\n')
      .filter((line) => line.includes('not built yet'));
    // lint is built: only the settings still in the not-built table are warned about
    expect(lines.map((line) => (JSON.parse(line) as { key: string }).key).sort()).toEqual(['cluster']);
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
  }, 30_000);
});

describe('one process per storage root', () => {
  it('a second serve on the same root exits at once naming the first one, before any GC', async () => {
    const directory = tempDirectory();
    const root = join(directory, 'data');
    const first = run([
      'serve',
      writeConfig(
        directory,
        { storage: { rootDirectory: root }, http: { port: 0 }, log: { level: 'info' } },
        'a.json',
      ),
    ]);
    await served(first);
    const second = run([
      'serve',
      writeConfig(
        directory,
        { storage: { rootDirectory: root }, http: { port: 0 }, log: { level: 'info' } },
        'b.json',
      ),
    ]);
    const started = Date.now();
    expect(await second.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(second.stderr()).toContain(`storage ${root} is in use by process ${first.child.pid}`);
    expect(second.stdout()).not.toContain('gc');
    // the first one is unharmed, and its lock goes with it: a third start succeeds afterwards
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const third = run(['serve', join(directory, 'b.json')]);
    await served(third);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  }, 60_000);

  it('takes over a lock left by a process that died (SIGKILL)', async () => {
    const directory = tempDirectory();
    const path = writeConfig(directory, {
      storage: { rootDirectory: join(directory, 'data') },
      http: { port: 0 },
    });
    const first = run(['serve', path]);
    await served(first);
    first.child.kill('SIGKILL');
    await first.exited;
    const second = run(['serve', path]);
    await served(second);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 60_000);

  it('binds the port before background jobs: a busy port fails before any GC pass', async () => {
    const directory = tempDirectory();
    const first = run([
      'serve',
      writeConfig(
        directory,
        { storage: { rootDirectory: join(directory, 'one') }, http: { port: 0 } },
        'a.json',
      ),
    ]);
    const url = await served(first);
    const port = Number(new URL(url).port);
    const second = run([
      'serve',
      writeConfig(
        directory,
        {
          storage: { rootDirectory: join(directory, 'two'), gcDelay: '0s' },
          http: { address: '127.0.0.1', port },
          log: { level: 'debug' },
        },
        'b.json',
      ),
    ]);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain('EADDRINUSE');
    expect(second.stdout()).not.toContain('gc');
  }, 60_000);
});

describe('storage roots that cannot work', () => {
  it('a root under /proc fails at once naming the key', async () => {
    const directory = tempDirectory();
    const serve = run([
      'serve',
      writeConfig(directory, { storage: { rootDirectory: '/proc/zot-ts-test/data' }, http: { port: 0 } }),
    ]);
    const started = Date.now();
    expect(await serve.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(serve.stderr()).toContain(
      'storage.rootDirectory: /proc/zot-ts-test/data cannot be created: ENOENT',
    );
  }, 30_000);

  it('a root that is a file fails naming the key', async () => {
    const directory = tempDirectory();
    mkdirSync(join(directory, 'x'));
    writeFileSync(join(directory, 'x', 'file'), '');
    const serve = run([
      'serve',
      writeConfig(directory, { storage: { rootDirectory: join(directory, 'x', 'file') }, http: { port: 0 } }),
    ]);
    expect(await serve.exited).toBe(1);
    expect(serve.stderr()).toContain('storage.rootDirectory:');
    expect(serve.stderr()).toContain('ENOTDIR');
  }, 30_000);
});

// Root ignores file permissions: the server runs as `nobody` here to meet a storage root it cannot write.
const nobody = { uid: 65534, gid: 65534 };
describe.skipIf(process.getuid?.() !== 0)('a storage root that is not writable', () => {
  it('fails start-up naming the key and the cause', async () => {
    const directory = tempDirectory();
    chmodSync(directory, 0o755);
    mkdirSync(join(directory, 'data'), { mode: 0o755 });
    const path = writeConfig(directory, {
      storage: { rootDirectory: join(directory, 'data') },
      http: { port: 0 },
    });
    const serve = run(['serve', path], nobody);
    expect(await serve.exited).toBe(1);
    expect(serve.stderr()).toContain(
      `storage.rootDirectory: ${join(directory, 'data')} is not writable: EACCES`,
    );
  }, 30_000);

  it('turns /readyz not ready, saying why, when it stops being writable', async () => {
    const directory = tempDirectory();
    chmodSync(directory, 0o755);
    const root = join(directory, 'data');
    mkdirSync(root, { mode: 0o755 });
    chownSync(root, nobody.uid, nobody.gid);
    const serve = run(
      ['serve', writeConfig(directory, { storage: { rootDirectory: root }, http: { port: 0 } })],
      nobody,
    );
    const url = await served(serve);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    chownSync(root, 0, 0);
    let response = await fetch(`${url}/readyz`);
    for (let tries = 0; response.status === 200 && tries < 80; tries++) {
      await new Promise((done) => setTimeout(done, 100));
      response = await fetch(`${url}/readyz`);
    }
    expect(response.status).toBe(503);
    expect(await response.text()).toContain(`storage.rootDirectory: ${root} is not writable: EACCES`);
    serve.child.kill('SIGTERM');
    await serve.exited;
  }, 30_000);
});
