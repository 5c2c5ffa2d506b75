import { describe, expect, it } from 'vitest';
import { createCallbackTargetPolicy, safeCallbackTarget } from './callback-target.js';

const policy = createCallbackTargetPolicy('https://registry.example.com/base', [
  'https://ui.example.com',
  'not a url',
]);

describe('safeCallbackTarget', () => {
  it('allows relative paths on this origin', () => {
    expect(safeCallbackTarget('/home', policy)).toBe('/home');
    expect(safeCallbackTarget('/ui/repos?tab=tags#top', policy)).toBe('/ui/repos?tab=tags#top');
  });

  it('allows absolute URLs on externalUrl or an allowed origin', () => {
    expect(safeCallbackTarget('https://registry.example.com/ui', policy)).toBe(
      'https://registry.example.com/ui',
    );
    expect(safeCallbackTarget('https://ui.example.com/after', policy)).toBe('https://ui.example.com/after');
  });

  it.each([
    ['protocol-relative', '//evil.example'],
    ['backslash after slash', '/\\evil.example'],
    ['backslashes', '\\\\evil.example'],
    ['tab inside the scheme-relative prefix', '/\t/evil.example'],
    ['newline', '/home\nLocation: https://evil.example'],
    ['another origin', 'https://evil.example/'],
    ['a lookalike host', 'https://ui.example.com.evil.example/'],
    ['credentials before the host', 'https://ui.example.com@evil.example/'],
    ['userinfo on an allowed host', 'https://user@ui.example.com/'],
    ['another port', 'https://ui.example.com:8443/'],
    ['http instead of https', 'http://ui.example.com/'],
    ['javascript', 'javascript:alert(1)'],
    ['data', 'data:text/html,hi'],
    ['a bare word', 'home'],
    ['empty', ''],
  ])('refuses %s', (_name, target) => {
    expect(safeCallbackTarget(target, policy)).toBeUndefined();
  });

  it('refuses absurdly long targets', () => {
    expect(safeCallbackTarget(`/${'a'.repeat(3000)}`, policy)).toBeUndefined();
  });
});
