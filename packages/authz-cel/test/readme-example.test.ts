// The README's embedding example, kept runnable so it cannot rot.
import { expect, it } from 'vitest';
import { compilePolicies } from '../src/index.js';

it('the README example decides as the README says', () => {
  const authorizer = compilePolicies({
    repositories: {
      'prod/**': {
        policies: [
          {
            groups: ['ci'],
            actions: ['read'],
            conditions: [{ expression: 'req.referenceType == "digest"', message: 'CI pulls prod by digest' }],
          },
        ],
      },
      '**': { defaultPolicy: ['read'] },
    },
  });
  const decision = authorizer.authorize({
    action: 'read',
    repository: 'prod/api',
    reference: 'latest',
    referenceType: 'tag',
    identity: { username: 'ci-bot', groups: ['ci'] },
    clientIp: '10.0.0.7',
    time: new Date(),
  });
  expect(decision).toEqual({ allowed: false, reason: 'CI pulls prod by digest' });
});
