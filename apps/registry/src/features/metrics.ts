// Prometheus metrics from extensions.metrics (issue 9). Placeholder until the metrics wiring lands.
import type { Feature, FeatureContext } from './feature.js';

export async function composeMetrics(_context: FeatureContext): Promise<Feature> {
  return {};
}
