// The shared StorageDriver suite on a real Ceph RGW, plus what only S3 needs: multipart writes, appends
// across part boundaries and across driver instances, large copies, paged listings and deletes.
import { randomUUID } from 'node:crypto';
import { describeDriver } from '@zot-ts/oci-store/testing';
import { afterAll, beforeAll } from 'vitest';
import { createDriverLinkRecords } from '../src/link-records.js';
import { withPlaceholderLinks } from '../src/placeholder-links.js';
import { type S3Engine, startS3Engine } from '../src/testing/index.js';

let engine: S3Engine;
beforeAll(async () => {
  engine = await startS3Engine();
}, 120_000);
afterAll(async () => {
  await engine?.stop();
}, 60_000);

describeDriver(
  's3 on Ceph RGW',
  async () => {
    const rootDirectory = `suite-${randomUUID()}`;
    const driver = engine.driver(rootDirectory);
    return { driver, dispose: () => driver.delete('') };
  },
  { canLink: false },
);

// With dedupe on, the registry wraps the driver so that links are placeholders plus records in the bucket:
// the same suite then runs its link test (a name outlives the deletion of the other).
describeDriver('s3 with placeholder links', async () => {
  const rootDirectory = `links-${randomUUID()}`;
  const driver = engine.driver(rootDirectory);
  return {
    driver: withPlaceholderLinks(driver, createDriverLinkRecords(driver)),
    dispose: () => driver.delete(''),
  };
});
