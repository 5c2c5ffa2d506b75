import { describe, expect, it } from 'vitest';
import { parseApiPath } from './route-path.js';
import { OciError } from './store-contract.js';

const digest = `sha256:${'a'.repeat(64)}`;

describe('parseApiPath', () => {
  it('recognises the registry-wide routes', () => {
    expect(parseApiPath('/v2/')).toEqual({ kind: 'base' });
    expect(parseApiPath('/v2')).toEqual({ kind: 'base' });
    expect(parseApiPath('/v2/_catalog')).toEqual({ kind: 'catalog' });
    expect(parseApiPath('/v2/_oci/ext/discover')).toEqual({ kind: 'discover' });
  });
  it('splits names with slashes at the last route keyword', () => {
    expect(parseApiPath(`/v2/a/b/c/blobs/${digest}`)).toEqual({ kind: 'blob', name: 'a/b/c', digest });
    expect(parseApiPath('/v2/a/manifests/x/manifests/latest')).toEqual({
      kind: 'manifest',
      name: 'a/manifests/x',
      reference: 'latest',
    });
    expect(parseApiPath('/v2/org/app/tags/list')).toEqual({ kind: 'tags', name: 'org/app' });
    expect(parseApiPath('/v2/org/app/blobs/uploads/')).toEqual({ kind: 'uploadStart', name: 'org/app' });
    expect(parseApiPath('/v2/org/app/blobs/uploads')).toEqual({ kind: 'uploadStart', name: 'org/app' });
    expect(parseApiPath('/v2/org/app/blobs/uploads/abc-123')).toEqual({
      kind: 'upload',
      name: 'org/app',
      uploadSessionId: 'abc-123',
    });
    expect(parseApiPath(`/v2/org/app/referrers/${digest}`)).toEqual({
      kind: 'referrers',
      name: 'org/app',
      digest,
    });
  });
  it('decodes a percent-encoded digest', () => {
    expect(parseApiPath(`/v2/app/blobs/sha256%3A${'a'.repeat(64)}`)).toEqual({
      kind: 'blob',
      name: 'app',
      digest,
    });
  });
  it('rejects traversal and upper case in names with NAME_INVALID', () => {
    for (const path of [
      '/v2/../etc/blobs/x',
      '/v2/a/%2e%2e/b/tags/list',
      '/v2/App/tags/list',
      '/v2/a//b/tags/list',
    ]) {
      expect(() => parseApiPath(path), path).toThrow(expect.objectContaining({ code: 'NAME_INVALID' }));
    }
  });
  it('answers 404 for paths that are no route', () => {
    let caught: unknown;
    try {
      parseApiPath('/v2/app/unknown');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(OciError);
    expect(caught).toMatchObject({ status: 404 });
  });
});
