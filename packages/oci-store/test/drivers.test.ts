import { createLocalDriver } from '../src/local-driver.js';
import { createMemoryDriver } from '../src/memory-driver.js';
import { describeDriver } from './driver-suite.js';
import { temporaryDirectory } from './fixtures.js';

describeDriver('memory', async () => ({ driver: createMemoryDriver(), dispose: async () => {} }));

describeDriver('local', async () => {
  const directory = await temporaryDirectory();
  return { driver: createLocalDriver({ rootDirectory: directory.path }), dispose: directory.remove };
});

describeDriver('local with commit (fsync)', async () => {
  const directory = await temporaryDirectory();
  return {
    driver: createLocalDriver({ rootDirectory: directory.path, commit: true }),
    dispose: directory.remove,
  };
});
