// Runs the real CLI (`node --import tsx apps/registry/src/main.ts ...`) from the repository root.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = 'packages/config/test/fixtures';
// ajv is a dependency of @zot-ts/config, not of this app: borrow that package's copy to check the output.
const { Ajv2020 } = createRequire(`${repoRoot}packages/config/package.json`)('ajv/dist/2020.js') as {
  Ajv2020: new (options: object) => { compile(schema: unknown): (data: unknown) => boolean };
};

async function zot(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      'node',
      ['--import', 'tsx', 'apps/registry/src/main.ts', ...args],
      {
        cwd: repoRoot,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

// each case starts a node process with tsx: seconds on a loaded 2-core machine
describe('zot verify', { timeout: 30_000 }, () => {
  it('says a valid config is valid and exits 0', async () => {
    const result = await zot('verify', `${fixtures}/policy-cel.json`);
    expect(result).toMatchObject({ code: 0, stdout: 'config is valid\n' });
  });

  it('prints every problem with its path and exits 1', async () => {
    const result = await zot('verify', `${fixtures}/broken-policy.json`);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toBe(`invalid configuration in ${fixtures}/broken-policy.json:`);
    expect(lines).toContain(
      'http.accessControl.repositories["prod/**"].policies[0].actions[2]: "wrtie" is not one of read, create, update, delete, detectManifestCollision, pull, push',
    );
    expect(lines).toHaveLength(6);
  });

  it('prints usage and exits 2 without a file', async () => {
    const result = await zot('verify');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/usage: zot verify/);
  });
});

describe('zot schema', { timeout: 30_000 }, () => {
  it('prints a JSON Schema that ajv compiles in strict mode', async () => {
    const result = await zot('schema');
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const validate = new Ajv2020({ strict: true, allowUnionTypes: true }).compile(schema);
    expect(validate({ storage: { rootDirectory: '/r' }, http: { port: '8080' } })).toBe(true);
  });
});
