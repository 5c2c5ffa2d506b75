// The workload-token examples in docs/oidc.md compile and map as the text says.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileClaimMapping } from '../src/workload/cel-claim-mapping.js';

const text = readFileSync(new URL('../../../docs/oidc.md', import.meta.url), 'utf8');
// biome-ignore lint/suspicious/noExplicitAny: JSON examples of several shapes
const examples: any[] = [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((match) =>
  JSON.parse(match[1] ?? ''),
);

describe('docs/oidc.md', () => {
  it('holds valid JSON in every example', () => {
    expect(examples).toHaveLength(5);
  });

  it('maps a GitHub Actions token as documented', () => {
    const mapping = compileClaimMapping(examples[3].http.auth.bearer.oidc[0].claimMapping, 'docs');
    expect(
      mapping.apply({ repository_owner: 'acme', ref: 'refs/heads/main', repository: 'acme/app' }),
    ).toEqual({
      ok: true,
      username: 'github:acme/app',
      groups: ['acme-ci', 'ci'],
    });
    expect(
      mapping.apply({ repository_owner: 'acme', ref: 'refs/heads/dev', repository: 'acme/app' }),
    ).toEqual({
      ok: false,
      reason: 'only the main branch may push',
    });
  });

  it('maps a Kubernetes service account token as documented', () => {
    const mapping = compileClaimMapping(examples[4].claimMapping, 'docs');
    expect(
      mapping.apply({ sub: 'system:serviceaccount:ci:builder', 'kubernetes.io': { namespace: 'ci' } }),
    ).toEqual({
      ok: true,
      username: 'system:serviceaccount:ci:builder',
      groups: ['k8s:ci'],
    });
  });
});
