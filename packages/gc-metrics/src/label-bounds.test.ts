import { describe, expect, it } from 'vitest';
import {
  boundedMethodLabel,
  boundedStatusLabel,
  createRepoLabelLimiter,
  OTHER_REPO_LABEL,
} from './label-bounds.js';

describe('boundedMethodLabel', () => {
  it('keeps the standard methods as they are', () => {
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      expect(boundedMethodLabel(method)).toBe(method);
    }
  });

  it('labels invented or lower-case methods "other", since method names are case-sensitive', () => {
    expect(boundedMethodLabel('BREW')).toBe('other');
    expect(boundedMethodLabel('get')).toBe('other');
    expect(boundedMethodLabel('')).toBe('other');
  });
});

describe('boundedStatusLabel', () => {
  it('writes the status number as zot does', () => {
    expect(boundedStatusLabel(200)).toBe('200');
    expect(boundedStatusLabel(416)).toBe('416');
  });

  it('labels impossible statuses "other"', () => {
    expect(boundedStatusLabel(42)).toBe('other');
    expect(boundedStatusLabel(600)).toBe('other');
    expect(boundedStatusLabel(200.5)).toBe('other');
    expect(boundedStatusLabel(Number.NaN)).toBe('other');
  });
});

describe('createRepoLabelLimiter', () => {
  it('gives each repository its own label until the cap, then "_other"', () => {
    const limiter = createRepoLabelLimiter(2);
    expect(limiter.labelFor('alpine')).toBe('alpine');
    expect(limiter.labelFor('library/busybox')).toBe('library/busybox');
    expect(limiter.labelFor('third')).toBe(OTHER_REPO_LABEL);
    expect(limiter.labelFor('alpine')).toBe('alpine');
    expect(limiter.size).toBe(2);
  });

  it('frees a slot when a repository is forgotten', () => {
    const limiter = createRepoLabelLimiter(1);
    limiter.labelFor('first');
    expect(limiter.labelFor('second')).toBe(OTHER_REPO_LABEL);
    expect(limiter.forget('first')).toBe(true);
    expect(limiter.labelFor('second')).toBe('second');
    expect(limiter.forget('never-seen')).toBe(false);
  });

  it('never uses a name outside the distribution-spec grammar as a label, nor lets it take a slot', () => {
    const limiter = createRepoLabelLimiter(10);
    for (const bad of ['Upper', '../etc', 'a//b', 'v2/x/blobs/uploads/?', `x${'a'.repeat(300)}`, 'quote"d']) {
      expect(limiter.labelFor(bad)).toBe(OTHER_REPO_LABEL);
    }
    expect(limiter.size).toBe(0);
  });

  it('rejects a negative cap', () => {
    expect(() => createRepoLabelLimiter(-1)).toThrow(RangeError);
  });
});
