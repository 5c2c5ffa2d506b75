// Builds the UI into dist/: one minified ES module and one stylesheet under dist/assets/ with content hashes in
// their names (so the registry can let browsers cache them for a year), index.html pointing at them, the
// favicon, and a gzip copy of every text file (the registry sends it to clients that accept gzip, with no
// compression work per request). Offline and in about a second: esbuild only.
//
//   node --import tsx apps/ui/scripts/build.ts      (turbo runs it as the package's `build`)
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

export async function buildUi(outDir = join(packageDir, 'dist')): Promise<BuiltUi> {
  rmSync(outDir, { recursive: true, force: true });
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
  if (script === undefined || style === undefined) throw new Error('esbuild wrote no script or no stylesheet');
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
  return { directory: outDir, files };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildUi();
  const total = built.files.reduce((sum, f) => sum + f.gzipBytes, 0);
  for (const f of built.files) console.log(`${f.path}  ${f.bytes} B  (gzip ${f.gzipBytes} B)`);
  console.log(`first page, gzip: ${total} B`);
}
