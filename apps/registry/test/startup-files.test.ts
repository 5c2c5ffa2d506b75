// Issue 20 item 4: files named in the config fail start-up naming their key and path; htpasswd entries in a
// hash zot does not accept are warned about by user.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { htpasswdLines } from './auth-fixtures.js';
import { startTestRegistry } from './helpers.js';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});
function tempDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'zot-files-'));
  directories.push(directory);
  return directory;
}

describe('files named in the config', () => {
  it('a missing htpasswd file fails naming http.auth.htpasswd.path and the path', async () => {
    const missing = join(tempDirectory(), 'htpasswd');
    await expect(startTestRegistry({ http: { auth: { htpasswd: { path: missing } } } })).rejects.toThrow(
      `http.auth.htpasswd.path: ${missing}: no such file`,
    );
  });

  it('a missing TLS key fails naming http.tls.key and the path', async () => {
    const directory = tempDirectory();
    writeFileSync(join(directory, 'cert.pem'), 'not checked before the key');
    await expect(
      startTestRegistry({
        http: { tls: { cert: join(directory, 'cert.pem'), key: join(directory, 'key.pem') } },
      }),
    ).rejects.toThrow(`http.tls.key: ${join(directory, 'key.pem')}: no such file`);
  });

  it('warns at start about each htpasswd user whose hash is not bcrypt, by name', async () => {
    const directory = tempDirectory();
    const path = join(directory, 'htpasswd');
    const md5 = execFileSync('htpasswd', ['-mbn', 'bob', 'bob-pw'], { encoding: 'utf8' }).trim();
    const sha1 = execFileSync('htpasswd', ['-sbn', 'carol', 'carol-pw'], { encoding: 'utf8' }).trim();
    writeFileSync(path, `${htpasswdLines({ alice: 'alice-pw' })}\n${md5}\n${sha1}\n`);
    const stdout = new PassThrough();
    let logged = '';
    stdout.on('data', (chunk: Buffer) => {
      logged += chunk.toString();
    });
    const registry = await startTestRegistry(
      { http: { auth: { htpasswd: { path } } }, log: { level: 'warn' } },
      { stdout },
    );
    try {
      const warnings = logged
        .split('\n')
        .filter((line) => line.includes('htpasswd'))
        .map((line) => JSON.parse(line) as { user: string; message: string });
      expect(warnings.map((w) => w.user)).toEqual(['bob', 'carol']);
      expect(warnings[0]?.message).toContain('apr1 (MD5) hash; only bcrypt');
      expect(warnings[1]?.message).toContain('SHA1 hash');
    } finally {
      await registry.dispose();
    }
  });
});
