// Tolerant readers for cross-field checks: they also run when the schema found problems, so they never
// assume a shape the schema has not confirmed.
import type { ConfigIssue } from './errors.js';
import { formatPath } from './schema-walk.js';

export type Node = Record<string, unknown>;

export function objectAt(value: unknown): Node | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Node) : undefined;
}

export function listAt(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function textAt(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function hasText(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

/** Collects issues addressed by path segments. */
export class IssueList {
  readonly issues: ConfigIssue[] = [];

  add(segments: ReadonlyArray<string | number>, message: string): void {
    this.issues.push({ path: formatPath(segments.map(String)), message });
  }
}
