// Signatures and trust from extensions.trust (issue 8). Placeholder until the signature wiring lands.
import type { Feature, FeatureContext } from './feature.js';

export async function composeSignatures(_context: FeatureContext): Promise<Feature> {
  return {};
}
