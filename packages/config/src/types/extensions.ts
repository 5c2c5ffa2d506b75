// `extensions` (zot pkg/extensions/config, sync and events sub-packages).

export interface SyncTagsConfig {
  regex?: string;
  excludeRegex?: string;
  semver?: boolean;
}

export interface SyncContentConfig {
  /** Doublestar glob of upstream repository names. */
  prefix: string;
  tags?: SyncTagsConfig;
  destination?: string;
  stripPrefix?: boolean;
}

export interface SyncRegistryConfig {
  urls: string[];
  pollInterval?: string;
  content?: SyncContentConfig[];
  tlsVerify: boolean;
  onDemand: boolean;
  certDir?: string;
  maxRetries?: number;
  retryDelay?: string;
  maxRetryDelay?: string;
  onlySigned?: boolean;
  syncLegacyCosignTags?: boolean;
  credentialHelper?: string;
  oauth2CredentialHelper?: Record<string, unknown>;
  preserveDigest?: boolean;
  syncTimeout?: string;
}

export interface SyncConfig {
  enable: boolean;
  credentialsFile?: string;
  downloadDir?: string;
  enableStreaming?: boolean;
  registries: SyncRegistryConfig[];
}

export interface SearchConfig {
  enable: boolean;
  cve?: {
    updateInterval?: string;
    trivy?: { dbRepository?: string; javaDBRepository?: string; vulnSeveritySources?: string[] };
  };
}

export interface MetricsConfig {
  enable: boolean;
  prometheus: { path: string };
}

export interface ScrubConfig {
  enable: boolean;
  interval: string;
}

export interface LintConfig {
  enable: boolean;
  mandatoryAnnotations?: string[];
}

export interface TrustConfig {
  enable: boolean;
  cosign: boolean;
  notation: boolean;
  /** Ours, not zot's: path to a sigstore trusted_root.json for keyless (certificate) bundles. */
  trustedRoot?: string;
  /** Ours, not zot's: who may sign keylessly; absent: anyone the trusted root certifies. */
  keylessIdentities?: KeylessIdentityConfig[];
}

/** An issuer and exactly one of subject and subjectRegExp (anchored: the whole identity must match). */
export interface KeylessIdentityConfig {
  issuer: string;
  subject?: string;
  subjectRegExp?: string;
}

/** zot's events.Credentials, nested in a sink as `credentials`. */
export interface EventSinkCredentials {
  username?: string;
  password?: string;
  file?: string;
  token?: string;
}

/** zot's events.TLSConfig, nested in a sink as `tlsConfig` (keys match case-insensitively). */
export interface EventSinkTls {
  caCertFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface EventSinkConfig {
  /** Checked at load: any other type is refused with zot's "event sink is not supported". */
  type: 'http' | 'nats';
  address: string;
  channel?: string;
  timeout?: string;
  proxy?: string;
  headers?: Record<string, string>;
  credentials?: EventSinkCredentials;
  tlsConfig?: EventSinkTls;
}

export interface EventsConfig {
  enable: boolean;
  sinks: EventSinkConfig[];
  source?: string;
  typePrefix?: string;
}

export interface ExtensionsConfig {
  sync?: SyncConfig;
  search?: SearchConfig;
  ui?: { enable: boolean };
  metrics?: MetricsConfig;
  scrub?: ScrubConfig;
  lint?: LintConfig;
  trust?: TrustConfig;
  events?: EventsConfig;
  /** Accepted for old configs; zot ignores both with a warning. */
  mgmt?: { enable?: boolean };
  apikey?: { enable?: boolean };
}
