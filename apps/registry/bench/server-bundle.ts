// The registry as ES modules (an entry and lazily loaded chunks), built with esbuild (tsx's own copy, so no new dependency): the bench runs the
// server as it is deployed (compiled JavaScript, like `dist/`), not through tsx, whose loader thread and
// transform cache add about 45 MiB of RSS and whose startup compiles every file. BENCH_TSX=1 runs sources.
import { copyFileSync, mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

interface EsbuildLike {
  build(options: Record<string, unknown>): Promise<unknown>;
}

/** Writes `<directory>/zot.mjs` from apps/registry/src/main.ts and returns its path. */
export async function bundleRegistry(directory: string): Promise<string> {
  const requireFromTsx = createRequire(createRequire(import.meta.url).resolve('tsx'));
  const esbuild = requireFromTsx('esbuild') as EsbuildLike;
  const outfile = join(directory, 'zot.mjs');
  await esbuild.build({
    entryPoints: [resolve(import.meta.dirname, '../src/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // code behind a dynamic import (the S3 driver, Redis, NATS, LDAP, search) in chunks of its own, loaded only
    // when a config asks for it, as compiled per-file JavaScript would: one file would make every server parse
    // all of it (113 MiB idle RSS against 85)
    outdir: directory,
    splitting: true,
    entryNames: 'zot',
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
    // lmdb (metadb) loads its native addon from its own package directory: it stays outside the bundle and is
    // found through a node_modules link next to it
    external: ['lmdb'],
    // CommonJS dependencies inside an ES module still call require() for Node built-ins
    banner: {
      js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
    },
  });
  // the search package reads zot's schema text next to its module: next to the bundle here
  copyFileSync(
    resolve(import.meta.dirname, '../../../packages/search/src/schema.graphql'),
    join(directory, 'schema.graphql'),
  );
  const lmdb = realpathSync(resolve(import.meta.dirname, '../../../packages/metadb/node_modules/lmdb'));
  mkdirSync(join(directory, 'node_modules'), { recursive: true });
  linkOnce(lmdb, join(directory, 'node_modules', 'lmdb'));
  // the UI feature finds apps/ui/dist through its workspace package (ui-files.ts): linked the same way
  mkdirSync(join(directory, 'node_modules', '@zot-ts'), { recursive: true });
  linkOnce(resolve(import.meta.dirname, '../../ui'), join(directory, 'node_modules', '@zot-ts', 'ui'));
  return outfile;
}

function linkOnce(target: string, path: string): void {
  try {
    symlinkSync(target, path, 'dir');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
