// Public API of @zot-ts/s3-driver: the S3 StorageDriver and the mapping of zot's storageDriver block.
export { isNotFound } from './client.js';
export {
  createDriverLinkRecords,
  createMemoryLinkRecords,
  LINK_RECORDS_DIRECTORY,
  type LinkRecords,
} from './link-records.js';
export {
  DEFAULT_PART_SIZE,
  MIN_PART_SIZE,
  type S3DriverOptions,
  s3DriverOptionsFrom,
  s3ParameterProblems,
} from './options.js';
export { withPlaceholderLinks } from './placeholder-links.js';
export { createRecordedBlobLocator, DIGEST_RECORDS_DIRECTORY } from './recorded-locator.js';
export { createS3Driver, type S3Driver } from './s3-driver.js';
