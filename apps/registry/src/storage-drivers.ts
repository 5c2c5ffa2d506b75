// The storage driver each storage section asks for: none (the local disk under rootDirectory, the
// store's default) or S3 from its storageDriver block, handed over as zot hands it to distribution's
// factory. Other driver names never get here: the config refuses them (not-built.ts).
import type { StorageOptions, ZotConfig } from '@zot-ts/config';
import type { BlobLocator, StorageDriver } from '@zot-ts/oci-store';

// The S3 driver (and the AWS SDK under it, about 1.2 MB of JavaScript and 10+ MiB of memory) is loaded only
// when a storage section asks for it.
type S3DriverModule = typeof import('@zot-ts/s3-driver');
let s3Module: S3DriverModule | undefined;

/** Loads the drivers `config` names; storageDriverOf needs this first (storeOptionsOf does it). */
export async function loadStorageDrivers(config: ZotConfig): Promise<void> {
  const sections = [config.storage, ...Object.values(config.storage.subPaths ?? {})];
  if (s3Module === undefined && sections.some((section) => section.storageDriver !== undefined))
    s3Module = await import('@zot-ts/s3-driver');
}

// the SDK warns at start that its releases after January 2027 need Node 22 (STACK.md): known, not news
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The driver (and, with dedupe, the dedupe index every instance shares) of one storage section. */
export function storageDriverOf(
  options: StorageOptions,
): { driver: StorageDriver; locator?: BlobLocator } | undefined {
  const block = options.storageDriver;
  if (block === undefined) return undefined;
  if (block.name !== 's3')
    throw new Error(`storageDriver ${JSON.stringify(block.name)} is not built (only s3)`);
  if (s3Module === undefined) throw new Error('storage drivers not loaded: call loadStorageDrivers first');
  const {
    createDriverLinkRecords,
    createRecordedBlobLocator,
    createS3Driver,
    s3DriverOptionsFrom,
    withPlaceholderLinks,
  } = s3Module;
  // accesskey/secretkey absent: the SDK's chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, profiles, roles)
  const s3 = createS3Driver(s3DriverOptionsFrom(block));
  if (!options.dedupe) return { driver: s3 };
  // dedupe as zot does it on S3: a second copy of a blob is an empty placeholder plus a record of where
  // the bytes are, and a digest index says where a copy is. Both live in the bucket (under .zot-ts/), so
  // every instance reads them; a Redis cacheDriver can supply the same calls later.
  return {
    driver: withPlaceholderLinks(s3, createDriverLinkRecords(s3)),
    locator: createRecordedBlobLocator(s3),
  };
}
