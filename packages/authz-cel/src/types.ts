// The library's own vocabulary. It imports nothing internal: the registry's oci-api declares
// `Authorize = (request: AccessRequest) => Decision` in its ports.ts, and these shapes are written so
// that oci-api's AccessRequest is assignable to ours and our Decision to theirs (checked structurally,
// never by import), so `authorizer.authorize` can be passed as it is.

/** zot's actions; `detectManifestCollision` is a behaviour switch, asked for like any other action. */
export type PolicyAction = 'read' | 'create' | 'update' | 'delete' | 'detectManifestCollision';

// ---- policy model: zot v2.1.17 `http.accessControl`, field for field ----

export interface PolicyCondition {
  /** A CEL expression over `req` that must be true. */
  readonly expression: string;
  /** Shown to a denied authenticated caller as the 403's `detail.reason`. */
  readonly message?: string;
}

export interface RepositoryPolicy {
  /** Shown by explain and in the reason of a 403 when its condition is false. */
  readonly name?: string;
  readonly users?: readonly string[];
  readonly groups?: readonly string[];
  /** zot's words, or the release announcement's: `pull` (read), `push` (create + update). */
  readonly actions?: readonly string[];
  /** One CEL expression over `request` or `req` (the release announcement's shape). */
  readonly condition?: string;
  readonly conditions?: readonly PolicyCondition[];
}

export interface RepositoryPolicyGroup {
  readonly policies?: readonly RepositoryPolicy[];
  /** Actions any authenticated user may do, unconditionally. */
  readonly defaultPolicy?: readonly string[];
  /** Actions anonymous callers may do, unconditionally. */
  readonly anonymousPolicy?: readonly string[];
}

export interface AdminPolicy {
  readonly name?: string;
  readonly condition?: string;
  readonly users?: readonly string[];
  readonly groups?: readonly string[];
  readonly actions?: readonly string[];
  readonly conditions?: readonly PolicyCondition[];
}

export interface AccessControlConfig {
  /** Keys are doublestar globs; of the matching keys the longest pattern applies. */
  readonly repositories?: Readonly<Record<string, RepositoryPolicyGroup>>;
  readonly adminPolicy?: AdminPolicy;
  readonly groups?: Readonly<Record<string, { readonly users?: readonly string[] }>>;
  readonly metrics?: { readonly users?: readonly string[] };
}

// ---- requests and decisions ----

/** Who is asking; `undefined` for anonymous. Structurally a subset of oci-api's Identity. */
export interface RequestIdentity {
  readonly username: string;
  readonly groups: readonly string[];
  /** Identity-provider claims, reaching policies as `req.claims`. */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Limits carried by the credential itself (API key scopes, token `access`): one must also allow. */
  readonly credentialScopes?: ReadonlyArray<{
    readonly repositories: readonly string[];
    readonly actions: readonly string[];
    /** Repositories are literal names (bearer `access`), not globs. */
    readonly exact?: boolean;
  }>;
}

/** One access decision's input: the fields of oci-api's AccessRequest, most of them optional here. */
export interface AccessRequest {
  readonly action: PolicyAction;
  readonly repository: string;
  readonly identity?: RequestIdentity | undefined;
  readonly reference?: string;
  readonly referenceType?: 'tag' | 'digest' | '';
  readonly method?: string;
  readonly userAgent?: string;
  readonly clientIp?: string;
  /** X-Forwarded-For, split and trimmed; untrusted. */
  readonly forwardedFor?: readonly string[];
  readonly tls?: { readonly enabled: boolean; readonly version?: string };
  /** When the request arrived; the authorizer's clock when absent. */
  readonly time?: Date;
}

/** Assignable to oci-api's `Decision`. `reason` is the failing condition's message, safe to show. */
export type Decision = { allowed: true } | { allowed: false; reason?: string };

// ---- explanations (`authorizer.explain`, `zot policy explain`) ----

export type RuleKind =
  | 'userPolicy'
  | 'groupPolicy'
  | 'conditionPolicy'
  | 'defaultPolicy'
  | 'anonymousPolicy'
  | 'adminPolicy'
  | 'credentialScope';

export interface ConditionTrace {
  readonly path: string;
  readonly expression: string;
  readonly message: string | undefined;
  /** `skipped`: an earlier condition of the same rule was already false. */
  readonly value: boolean | 'error' | 'skipped';
  readonly error?: string;
}

export interface RuleTrace {
  readonly kind: RuleKind;
  /** Config path of the rule: `http.accessControl.repositories["prod/**"].policies[0]`. */
  readonly path: string;
  /** The entry's `name`, when it has one. */
  readonly name?: string;
  readonly outcome: 'granted' | 'conditionFailed' | 'error' | 'denied';
  readonly conditions: readonly ConditionTrace[];
  readonly note?: string;
}

export interface Explanation {
  readonly decision: Decision;
  /** The `repositories` key that applied, if any matched. */
  readonly repositoryPattern: string | undefined;
  readonly username: string;
  readonly groups: readonly string[];
  readonly anonymous: boolean;
  readonly admin: boolean;
  /** The rule that granted, or undefined when denied. */
  readonly decidedBy: RuleTrace | undefined;
  /** Every rule that was considered, in evaluation order. */
  readonly rules: readonly RuleTrace[];
}

export interface EvaluationErrorInfo {
  readonly path: string;
  readonly expression: string;
  readonly error: unknown;
}

export interface AuthorizerOptions {
  /** The clock for requests without `time` and for catalog filtering. Default: `() => new Date()`. */
  readonly now?: () => Date;
  /** Told about every condition that failed to evaluate (the client only sees a generic denial). */
  readonly onEvaluationError?: (info: EvaluationErrorInfo) => void;
  /** Prefix of every issue path. Default `http.accessControl`. */
  readonly pathPrefix?: string;
}
