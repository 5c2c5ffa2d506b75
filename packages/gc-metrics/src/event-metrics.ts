// Counters of the events extension (ours; zot v2.1.17 exports none for events): deliveries per sink, and
// events dropped because a sink's queue was full, the figure to alert on.
import { Counter, type Registry } from 'prom-client';

export interface EventDeliveryMetrics {
  delivered(sink: string): void;
  dropped(sink: string): void;
}

export function createEventDeliveryMetrics(registry: Registry): EventDeliveryMetrics {
  const delivered = new Counter({
    name: 'zot_events_delivered_total',
    help: 'Events a sink acknowledged',
    labelNames: ['sink'],
    registers: [registry],
  });
  const dropped = new Counter({
    name: 'zot_events_dropped_total',
    help: 'Events dropped because the sink queue was full',
    labelNames: ['sink'],
    registers: [registry],
  });
  return {
    delivered: (sink) => delivered.inc({ sink }),
    dropped: (sink) => dropped.inc({ sink }),
  };
}
