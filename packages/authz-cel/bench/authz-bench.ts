// Cost of one authorization decision with five conditioned policies (issue 6: goal < 20 µs).
// Run: cd packages/authz-cel && node --import tsx bench/authz-bench.ts
// The decision that is measured walks all five entries: the first four are tried and fail on their
// conditions (each needs evaluating), the fifth grants. So it is the expensive path, not a lucky hit.
import { type AccessRequest, compilePolicies } from '../src/index.js';

const conditioned = (users: string[], expressions: string[]) => ({
  users,
  groups: ['dev'],
  actions: ['read', 'create'],
  conditions: expressions.map((expression, index) => ({ expression, message: `condition ${index} failed` })),
});

const authorizer = compilePolicies({
  repositories: {
    '**': { defaultPolicy: [] },
    'prod/**': {
      policies: [
        conditioned(['alice'], ['req.referenceType == "digest"']),
        conditioned(['alice'], ['req.tls.enabled', 'req.client.ip.startsWith("10.")']),
        conditioned(
          ['alice'],
          ['req.claims.email.endsWith("@example.com")', 'req.user.groups.exists(g, g == "release")'],
        ),
        conditioned(
          ['alice'],
          [
            'req.time.getDayOfWeek("Europe/Berlin") >= 1 && req.time.getDayOfWeek("Europe/Berlin") <= 5',
            'req.time.getHours("Europe/Berlin") < 8',
          ],
        ),
        conditioned(
          ['alice'],
          [
            'req.user.groups.exists(g, req.repository.startsWith("prod/" + g))',
            'req.time.getHours("Europe/Berlin") >= 8 && req.time.getHours("Europe/Berlin") < 18',
            '!req.auth.anonymous',
          ],
        ),
      ],
    },
  },
  groups: { dev: { users: ['alice'] } },
});

function freshRequest(): AccessRequest {
  // a new request object per decision, as the HTTP layer builds one per request
  return {
    action: 'create',
    repository: 'prod/dev-app',
    reference: 'v1',
    referenceType: 'tag',
    identity: { username: 'alice', groups: ['dev'], claims: { email: 'alice@example.com' } },
    method: 'PUT',
    userAgent: 'containers/5.0',
    clientIp: '10.1.2.3',
    forwardedFor: [],
    tls: { enabled: false, version: '' },
    time: new Date('2026-01-05T09:00:00Z'),
  };
}

if (!authorizer.authorize(freshRequest()).allowed) throw new Error('benchmark request should be allowed');

function measure(label: string, iterations: number): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) authorizer.authorize(freshRequest());
  const microseconds = Number(process.hrtime.bigint() - started) / 1000 / iterations;
  console.log(`${label}: ${microseconds.toFixed(2)} µs per decision (${iterations} decisions)`);
  return microseconds;
}

measure('warm-up', 20_000);
const runs = [measure('run 1', 50_000), measure('run 2', 50_000), measure('run 3', 50_000)].sort(
  (a, b) => a - b,
);
const median = runs[1] ?? Number.NaN;
console.log(`median: ${median.toFixed(2)} µs; goal < 20 µs: ${median < 20 ? 'met' : 'MISSED'}`);
