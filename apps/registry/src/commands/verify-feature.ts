// `zot verify-feature retention <config>`: what GC and retention would delete now, without deleting
// anything. zot's command keeps running GC on its interval (and really deletes orphan blobs); this one
// makes one pass over every repository as a whole dry run and exits 0, so it is safe against live storage.
// zot's flags are accepted: -l/--log-file writes the report to a file; -i/--gc-interval and -t/--timeout
// have nothing to do in a single pass and are ignored.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { loadConfig, type StorageOptions } from '@zot-ts/config';
import { createLmdbMetaStore, metadbPathsUnder } from '@zot-ts/metadb';
import { createFileMetaStore } from '@zot-ts/metastore';
import { createGcJob, createStore, type GcDecision } from '@zot-ts/oci-store';
import { storeOptionsOf } from '../compose.js';
import { gcJobOptionsOf, storageFor, tagTimesOf } from '../features/gc-options.js';

const USAGE = 'usage: zot verify-feature retention [-l log-file] [-i gc-interval] [-t timeout] <config>\n';

function describeDecision(decision: GcDecision): string {
  const what =
    decision.tag !== undefined && decision.kind !== 'blob'
      ? `${decision.kind} ${decision.tag}`
      : decision.kind;
  const digest = decision.digest !== undefined ? ` ${decision.digest}` : '';
  return `${decision.repository}: would delete ${what}${digest} (${decision.reason})`;
}

export async function runVerifyFeature(args: string[]): Promise<number> {
  const [feature, ...rest] = args;
  let logFile: string | undefined;
  const positional: string[] = [];
  for (let index = 0; index < rest.length; index++) {
    const arg = rest[index] as string;
    if (['-l', '--log-file', '-i', '--gc-interval', '-t', '--timeout'].includes(arg)) {
      const value = rest[++index];
      if (value === undefined) return usage();
      if (arg === '-l' || arg === '--log-file') logFile = value;
    } else positional.push(arg);
  }
  if (feature !== 'retention' || positional.length !== 1) return usage();
  const config = await loadConfig(positional[0] as string);
  if (!config.storage.gc) {
    process.stderr.write(
      'zot verify-feature retention: storage.gc is off, so neither GC nor retention runs\n',
    );
    return 1;
  }
  const store = createStore(await storeOptionsOf(config));
  // read tag times only where the registry keeps them (opening the database elsewhere would create it); LMDB
  // may be opened while the server runs, and a root the server has not opened since the first wave still has
  // only the old directory
  const paths = metadbPathsUnder(config.storage.rootDirectory);
  const meta = existsSync(paths.path)
    ? await createLmdbMetaStore({ path: paths.path })
    : existsSync(paths.migrateFrom)
      ? await createFileMetaStore({ directory: paths.migrateFrom })
      : undefined;
  const lines: string[] = [];
  const totals = { tag: 0, manifest: 0, blob: 0, upload: 0, bytes: 0 };
  try {
    const jobs = new Map<StorageOptions, ReturnType<typeof createGcJob>>();
    const { repositories } = await store.catalog();
    for (const repository of repositories) {
      const storage = storageFor(config, repository);
      let job = jobs.get(storage);
      if (job === undefined) {
        job = createGcJob(
          gcJobOptionsOf(store, storage, {
            dryRun: true,
            ...(meta !== undefined ? { tagTimes: tagTimesOf(meta) } : {}),
            onDecision: (decision) => {
              lines.push(describeDecision(decision));
              totals[decision.kind] += 1;
              totals.bytes += decision.size ?? 0;
            },
          }),
        );
        jobs.set(storage, job);
      }
      await job.runRepository(repository);
    }
  } finally {
    await meta?.close();
  }
  lines.push(
    `retention (dry run): ${totals.tag} tags, ${totals.manifest} manifests, ${totals.blob} blobs, ${totals.upload} uploads would be deleted (${totals.bytes} bytes); nothing was deleted`,
  );
  const report = `${lines.join('\n')}\n`;
  if (logFile !== undefined) await writeFile(logFile, report);
  else process.stdout.write(report);
  return 0;
}

function usage(): number {
  process.stderr.write(USAGE);
  return 2;
}
