import { describe, expect, it } from 'vitest';
import { DEFAULT_PART_SIZE, s3DriverOptionsFrom, s3ParameterProblems } from './options.js';

describe('s3DriverOptionsFrom (zot/distribution storageDriver parameters)', () => {
  it('maps the block, adding a scheme to a bare endpoint and path style for an engine of ones own', () => {
    const options = s3DriverOptionsFrom({
      name: 's3',
      bucket: 'zot',
      regionendpoint: 'ceph.internal:7480',
      secure: 'false',
      rootdirectory: '/zot/',
      accesskey: 'a',
      secretkey: 's',
      chunksize: '8388608',
    });
    expect(options).toMatchObject({
      bucket: 'zot',
      region: 'us-east-1',
      endpoint: 'http://ceph.internal:7480',
      rootDirectory: 'zot',
      credentials: { accessKeyId: 'a', secretAccessKey: 's' },
      forcePathStyle: true,
      skipVerify: false,
      partSize: 8 * 1024 * 1024,
    });
  });

  it('leaves credentials to the SDK chain (AWS_ACCESS_KEY_ID, ...) and path style off on AWS', () => {
    const options = s3DriverOptionsFrom({ name: 's3', bucket: 'zot', region: 'eu-west-1' });
    expect(options.credentials).toBeUndefined();
    expect(options.endpoint).toBeUndefined();
    expect(options.forcePathStyle).toBe(false);
    expect(options.partSize).toBe(DEFAULT_PART_SIZE);
  });

  it('names every problem: no bucket, an endpoint that is no URL, parts under 5 MiB, half the keys', () => {
    expect(s3ParameterProblems({ regionendpoint: 'http://[::1', chunksize: 1024, accesskey: 'a' })).toEqual([
      'bucket: is required',
      'regionendpoint: "http://[::1" is not a URL',
      'chunksize: must be an integer of at least 5242880 (5 MiB)',
      'accesskey and secretkey: give both or neither (neither: the environment)',
    ]);
    expect(() => s3DriverOptionsFrom({})).toThrow(/bucket: is required/);
  });
});
