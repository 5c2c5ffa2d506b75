// `zot scrub <config>`: checks every manifest and blob against its digest, offline (the server need not run).
// Prints each finding and a summary; exits 1 when anything is corrupt, 0 when all is well.
import { loadConfig } from '@zot-ts/config';
import { createStore } from '@zot-ts/oci-store';
import { storeOptionsOf } from '../compose.js';

export async function runScrub(args: string[]): Promise<number> {
  const [configPath, ...extra] = args;
  if (configPath === undefined || extra.length > 0) {
    process.stderr.write('usage: zot scrub <config>\n');
    return 2;
  }
  const config = await loadConfig(configPath);
  const store = await createStore(await storeOptionsOf(config));
  const report = await store.scrub();
  for (const finding of report.findings) {
    const what = finding.digest === undefined ? finding.kind : `${finding.kind} ${finding.digest}`;
    process.stdout.write(`${finding.repository}: ${what}: ${finding.problem}\n`);
  }
  process.stdout.write(
    `scrub: ${report.repositories} repositories, ${report.manifestsChecked} manifests, ${report.blobsChecked} blobs checked, ${report.findings.length} problems\n`,
  );
  return report.findings.length === 0 ? 0 : 1;
}
