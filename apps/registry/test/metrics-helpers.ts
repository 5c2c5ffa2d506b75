// Helpers for the /metrics end-to-end tests: a registry with the metrics extension on, a strict scrape,
// and polling for the gauges that settle in the background (repository sizes).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findSampleValue, type MetricFamily, parsePrometheusText } from '@zot-ts/gc-metrics';
import { expect } from 'vitest';
import type { Image } from './conformance-fixtures.js';
import { sha256, startTestRegistry, type TestRegistry } from './helpers.js';

export type Families = Map<string, MetricFamily>;

export function startMetricsRegistry(config: Record<string, unknown> = {}): Promise<TestRegistry> {
  return startTestRegistry({ extensions: { metrics: { enable: true } }, ...config });
}

/** GET the metrics path and parse it with the strict text-format parser (it throws on any malformed line). */
export async function scrape(registry: { url: string }, path = '/metrics', init: RequestInit = {}) {
  const response = await fetch(`${registry.url}${path}`, init);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  return { text, families: parsePrometheusText(text) };
}

export function sample(
  families: Families,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return findSampleValue(families, name, labels);
}

/** Label values of one label across a family's samples (for cardinality checks). */
export function labelValues(families: Families, family: string, label: string): Set<string> {
  const values = new Set<string>();
  for (const parsed of families.get(family)?.samples ?? []) {
    const value = parsed.labels[label];
    if (value !== undefined) values.add(value);
  }
  return values;
}

/** Scrapes until `check` passes (sizes are measured after a short quiet period), or fails with the last error. */
export async function eventually(
  registry: { url: string },
  check: (families: Families) => void,
  timeoutMs = 5000,
): Promise<Families> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { families } = await scrape(registry);
    try {
      check(families);
      return families;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** The directory of a repository under the test registry's default storage root. */
export function repoDirectory(registry: { directory: string }, repository: string): string {
  return join(registry.directory, 'data', repository);
}

/** What a repository holding exactly these images takes: its blobs (from the images), index.json and oci-layout. */
export function expectedRepoBytes(repositoryDirectory: string, images: Image[]): number {
  const blobs = new Map<string, number>();
  for (const image of images) {
    blobs.set(image.digest, Buffer.byteLength(image.manifest));
    blobs.set(sha256(image.config), Buffer.byteLength(image.config));
    blobs.set(sha256(image.layer), image.layer.length);
  }
  let bytes = layoutFileBytes(repositoryDirectory);
  for (const size of blobs.values()) bytes += size;
  return bytes;
}

/** What the files of a repository take now, read from disk: index.json, oci-layout and every blob file. */
export function diskRepoBytes(repositoryDirectory: string): number {
  let bytes = layoutFileBytes(repositoryDirectory);
  const blobs = join(repositoryDirectory, 'blobs');
  for (const entry of readdirSync(blobs, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).size;
  return bytes;
}

function layoutFileBytes(repositoryDirectory: string): number {
  return (
    statSync(join(repositoryDirectory, 'index.json')).size +
    statSync(join(repositoryDirectory, 'oci-layout')).size
  );
}
