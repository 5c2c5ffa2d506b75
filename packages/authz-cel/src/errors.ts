// Errors of this library carry a code (assert on it) and, for compile errors, every problem found,
// each with the exact config path, so `zot verify` and the server's start-up can print them all at once.

export type PolicyErrorCode = 'POLICY_INVALID';

export interface PolicyIssue {
  /** `http.accessControl.repositories["prod/**"].policies[0].conditions[1].expression` */
  readonly path: string;
  readonly message: string;
}

export class PolicyCompileError extends Error {
  readonly code: PolicyErrorCode = 'POLICY_INVALID';
  readonly issues: readonly PolicyIssue[];

  constructor(issues: readonly PolicyIssue[]) {
    super(
      `access control policy is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n'),
    );
    this.name = 'PolicyCompileError';
    this.issues = issues;
  }
}
