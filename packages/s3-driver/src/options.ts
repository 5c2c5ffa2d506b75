// The driver's options, and how zot's `storage.storageDriver` block (distribution's s3-aws driver
// parameters, lower-case keys: region, bucket, regionendpoint, rootdirectory, accesskey, secretkey, secure,
// skipverify, forcepathstyle, chunksize, ...) maps onto them. The mapping lives here, next to the driver,
// so the registry hands the block over as it is (as zot hands it to distribution's factory).

export const MiB = 1024 * 1024;
/** S3's smallest part (every part but the last): 5 MiB. */
export const MIN_PART_SIZE = 5 * MiB;
/** distribution's default chunksize: 10 MiB parts, so a 100 MiB blob holds at most ~10 MiB in memory. */
export const DEFAULT_PART_SIZE = 10 * MiB;
/** The largest object a single CopyObject may copy; larger ones go part by part (UploadPartCopy). */
export const MAX_SINGLE_COPY = 5 * 1024 * MiB;

export interface S3DriverOptions {
  bucket: string;
  region: string;
  /** Full URL of an S3-compatible engine (Ceph RGW, MinIO); absent: AWS's endpoint for the region. */
  endpoint?: string;
  /** Key prefix all paths live under ('' or 'zot', no slashes at either end). */
  rootDirectory: string;
  /** Absent: the SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  forcePathStyle: boolean;
  /** Accept any TLS certificate from the endpoint (distribution's skipverify). */
  skipVerify: boolean;
  /** Multipart part size in bytes (>= 5 MiB). */
  partSize: number;
  /** Objects larger than this are moved with UploadPartCopy in parts of this size, never above 5 GiB. */
  copyPartSize: number;
  /** The largest object moved with one CopyObject (S3's limit, 5 GiB, by default; tests lower it). */
  maxSingleCopy?: number;
  storageClass?: string;
  /** Server-side encryption (distribution's encrypt + keyid). */
  encrypt?: { kmsKeyId?: string };
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** distribution accepts booleans as booleans or as the strings "true"/"false". */
function flag(value: unknown, fallback: boolean): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return fallback;
}

function integer(value: unknown): number | undefined {
  const parsed = typeof value === 'string' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isSafeInteger(parsed) ? parsed : undefined;
}

/** What is wrong with a storageDriver block for s3 (empty when nothing is), for `zot verify`. */
export function s3ParameterProblems(parameters: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (text(parameters.bucket) === undefined) problems.push('bucket: is required');
  const endpoint = text(parameters.regionendpoint);
  if (endpoint !== undefined) {
    try {
      new URL(endpointUrl(endpoint, flag(parameters.secure, true)));
    } catch {
      problems.push(`regionendpoint: ${JSON.stringify(endpoint)} is not a URL`);
    }
  }
  const chunkSize = parameters.chunksize;
  if (chunkSize !== undefined && (integer(chunkSize) ?? 0) < MIN_PART_SIZE)
    problems.push(`chunksize: must be an integer of at least ${MIN_PART_SIZE} (5 MiB)`);
  const accessKey = text(parameters.accesskey);
  const secretKey = text(parameters.secretkey);
  if ((accessKey === undefined) !== (secretKey === undefined))
    problems.push('accesskey and secretkey: give both or neither (neither: the environment)');
  return problems;
}

/** distribution: a regionendpoint without a scheme gets https://, or http:// when secure is false. */
function endpointUrl(endpoint: string, secure: boolean): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `${secure ? 'https' : 'http'}://${endpoint}`;
}

/** The options for a storageDriver block; throws an Error listing every problem. */
export function s3DriverOptionsFrom(parameters: Record<string, unknown>): S3DriverOptions {
  const problems = s3ParameterProblems(parameters);
  if (problems.length > 0) throw new Error(`storageDriver (s3): ${problems.join('; ')}`);
  const secure = flag(parameters.secure, true);
  const regionEndpoint = text(parameters.regionendpoint);
  const endpoint = regionEndpoint === undefined ? undefined : endpointUrl(regionEndpoint, secure);
  const accessKeyId = text(parameters.accesskey);
  const secretAccessKey = text(parameters.secretkey);
  const sessionToken = text(parameters.sessiontoken);
  const partSize = integer(parameters.chunksize) ?? DEFAULT_PART_SIZE;
  const copyPartSize = Math.min(
    Math.max(integer(parameters.multipartcopychunksize) ?? 1024 * MiB, MIN_PART_SIZE),
    // room for copyRanges to merge a short last range into the one before
    MAX_SINGLE_COPY - MIN_PART_SIZE,
  );
  const storageClass = text(parameters.storageclass);
  const keyId = text(parameters.keyid);
  return {
    bucket: text(parameters.bucket) ?? '',
    region: text(parameters.region) ?? 'us-east-1',
    ...(endpoint === undefined ? {} : { endpoint }),
    rootDirectory: (text(parameters.rootdirectory) ?? '').replace(/^\/+|\/+$/g, ''),
    ...(accessKeyId !== undefined && secretAccessKey !== undefined
      ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } }
      : {}),
    // distribution defaults this to false (AWS's virtual-hosted buckets); an engine of one's own
    // (Ceph RGW, MinIO) at a regionendpoint almost always wants path style, so that is our default there
    forcePathStyle: flag(parameters.forcepathstyle, endpoint !== undefined),
    skipVerify: flag(parameters.skipverify, false),
    partSize,
    copyPartSize,
    ...(storageClass === undefined || storageClass === 'NONE' ? {} : { storageClass }),
    ...(flag(parameters.encrypt, false) ? { encrypt: keyId === undefined ? {} : { kmsKeyId: keyId } } : {}),
  };
}
