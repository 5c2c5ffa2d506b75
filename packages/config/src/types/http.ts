// `http` (zot pkg/api/config: HTTPConfig).
import type { AccessControlConfig } from './access-control.js';
import type { AuthConfig } from './auth.js';

export interface TlsConfig {
  cert: string;
  key: string;
  /** CA bundle for verifying client certificates (mTLS). */
  cacert?: string;
}

export interface MethodRatelimitConfig {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  rate: number;
}

export interface RatelimitConfig {
  /** Requests per second across all methods. */
  rate?: number;
  methods?: MethodRatelimitConfig[];
}

export interface HttpConfig {
  address: string;
  /** zot accepts a number or a numeric string; always a number here. */
  port: number;
  externalUrl?: string;
  realm: string;
  /** Comma-separated origins for CORS; unset means "*" as in zot. */
  allowOrigin?: string;
  readTimeout?: string;
  writeTimeout?: string;
  tls?: TlsConfig;
  ratelimit?: RatelimitConfig;
  /** Media-type compatibility modes; zot knows "docker2s2". */
  compat?: Array<'docker2s2'>;
  /**
   * zot-ts only (zot has no such key): server processes sharing the port (node:cluster). 1: one process;
   * 0: one per CPU core, at most 4. Unset: the registry's default (see docs/performance.md).
   */
  workers?: number;
  auth?: AuthConfig;
  accessControl?: AccessControlConfig;
}
