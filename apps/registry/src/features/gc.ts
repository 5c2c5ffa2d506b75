// Garbage collection and retention from storage.gc / gcDelay / gcInterval / retention (issue 9).
// Placeholder until the GC wiring lands.
import type { Feature, FeatureContext } from './feature.js';

export async function composeGc(_context: FeatureContext): Promise<Feature> {
  return {};
}
