// Builds the UI into dist/: one minified ES module and one stylesheet under dist/assets/ with content hashes in
// their names (so the registry can let browsers cache them for a year), index.html pointing at them, the
// favicon, and a gzip copy of every text file (the registry sends it to clients that accept gzip, with no
// compression work per request). Offline and in about a second: esbuild only.
//
//   node --import tsx apps/ui/scripts/build.ts      (turbo runs it as the package's `build`)
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface BuiltUi {
  directory: string;
  /** Paths under dist/ with their raw and gzip sizes in bytes. */
  files: Array<{ path: string; bytes: number; gzipBytes: number }>;
}

/** The default output directory, apps/ui/dist. */
export const UI_DIST = join(packageDir, 'dist');

/**
 * Builds into a fresh directory beside `finalDir`, then swaps it in: a registry starting meanwhile (another test
 * file) finds the old build, a missing one, or the new one, never half of one.
 */
export async function buildUi(finalDir = UI_DIST): Promise<BuiltUi> {
  const outDir = `${finalDir}.${process.pid}-${Date.now()}`;
  const assets = join(outDir, 'assets');
  mkdirSync(assets, { recursive: true });
  const result = await build({
    entryPoints: [join(packageDir, 'src', 'main.tsx')],
    outdir: assets,
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome111', 'firefox111', 'safari16.4'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((path) => join(process.cwd(), path));
  const script = outputs.find((path) => path.endsWith('.js'));
  const style = outputs.find((path) => path.endsWith('.css'));
  if (script === undefined || style === undefined)
    throw new Error('esbuild wrote no script or no stylesheet');
  const html = readFileSync(join(packageDir, 'src', 'index.html'), 'utf8')
    .replace('%JS%', `/assets/${basename(script)}`)
    .replace('%CSS%', `/assets/${basename(style)}`);
  writeFileSync(join(outDir, 'index.html'), html);
  writeFileSync(join(outDir, 'favicon.svg'), readFileSync(join(packageDir, 'src', 'favicon.svg')));

  const files: BuiltUi['files'] = [];
  for (const path of [join(outDir, 'index.html'), join(outDir, 'favicon.svg'), script, style]) {
    const content = readFileSync(path);
    const gzipped = gzipSync(content, { level: 9 });
    writeFileSync(`${path}.gz`, gzipped);
    files.push({ path: relative(outDir, path), bytes: content.length, gzipBytes: gzipped.length });
  }
  const old = `${outDir}.old`;
  if (existsSync(finalDir)) renameSync(finalDir, old);
  renameSync(outDir, finalDir);
  rmSync(old, { recursive: true, force: true });
  return { directory: finalDir, files };
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Builds unless dist/ is newer than every source file and the build script (tests call this first). */
export async function ensureUiBuilt(): Promise<string> {
  const index = join(UI_DIST, 'index.html');
  const sources = Math.max(
    newestMtime(join(packageDir, 'src')),
    newestMtime(join(packageDir, 'scripts', 'build.ts')),
  );
  if (!existsSync(index) || statSync(index).mtimeMs < sources) await buildUi();
  return UI_DIST;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildUi();
  const total = built.files.reduce((sum, f) => sum + f.gzipBytes, 0);
  for (const f of built.files) console.log(`${f.path}  ${f.bytes} B  (gzip ${f.gzipBytes} B)`);
  console.log(`first page, gzip: ${total} B`);
}
