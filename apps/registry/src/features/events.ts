// CloudEvents from extensions.events (zot pkg/extensions/events): store events become zot's
// repository.created / image.updated / image.deleted events with the request's actor, delivered to the
// configured sinks by @zot-ts/events. Lint reports image.lint_failed through the recorder this returns.
import type { EventSinkConfig } from '@zot-ts/config';
import { parseDuration } from '@zot-ts/config';
import {
  createEventRecorder,
  createSink,
  type EventActor,
  type EventRecorder,
  type Sink,
  SinkError,
  type SinkOptions,
} from '@zot-ts/events';
import { createEventDeliveryMetrics } from '@zot-ts/gc-metrics';
import type { StoreEvent } from '@zot-ts/oci-store';
import type { Feature, FeatureContext } from './feature.js';

/** Most events waiting per sink before new ones are dropped (counted in zot_events_dropped_total). */
export const DEFAULT_MAX_QUEUED_EVENTS = 10_000;
/** How long shutdown waits for queued events to go out. */
const DRAIN_ON_CLOSE_MS = 3000;

export interface EventsFeature {
  feature: Feature;
  recorder?: EventRecorder;
}

export function sinkOptionsOf(sink: EventSinkConfig): SinkOptions {
  const credentials = sink.credentials;
  const tls = sink.tlsConfig;
  const common = {
    address: sink.address,
    ...(sink.timeout === undefined ? {} : { timeoutMs: parseDuration(sink.timeout) }),
    ...(credentials === undefined ? {} : { credentials: { ...credentials } }),
    ...(tls === undefined ? {} : { tls: { ...tls } }),
  };
  if (sink.type === 'nats') return { type: 'nats', ...common, channel: sink.channel ?? '' };
  return {
    type: sink.type,
    ...common,
    ...(sink.channel === undefined ? {} : { channel: sink.channel }),
    ...(sink.headers === undefined ? {} : { headers: { ...sink.headers } }),
  };
}

export function composeEvents(context: FeatureContext): EventsFeature {
  const settings = context.config.extensions?.events;
  if (settings?.enable !== true || settings.sinks.length === 0) return { feature: {} };
  const { logger, store } = context;
  const counters = context.metrics ? createEventDeliveryMetrics(context.metrics.registry) : undefined;
  // A sink that cannot be built (a NATS sink without a channel, an unreadable CA file) stops the start,
  // naming the config entry.
  const sinks: Sink[] = [];
  for (const [index, sink] of settings.sinks.entries()) {
    try {
      sinks.push(createSink(sinkOptionsOf(sink)));
    } catch (error) {
      for (const built of sinks) void built.close(); // a NATS sink already connecting stops trying
      const reason = error instanceof SinkError || error instanceof Error ? error.message : String(error);
      throw new Error(`extensions.events.sinks[${index}]: ${reason}`, { cause: error });
    }
  }
  const recorder = createEventRecorder({
    sinks,
    // not a zot key: zot always says zotregistry.dev; kept for configs that set it
    ...(settings.source === undefined || settings.source === '' ? {} : { source: settings.source }),
    maxQueuedEvents: DEFAULT_MAX_QUEUED_EVENTS,
    onDropped(sink, event) {
      counters?.dropped(sink.name);
      logger.error('event dropped: sink queue full', { sink: sink.name, type: event.type, id: event.id });
    },
    onAttemptFailed(sink, event, error, attempt) {
      // the first failure of a run, then every tenth: a sink down for an hour does not flood the log
      if (attempt === 1 || attempt % 10 === 0)
        logger.warn('event delivery failed, will retry', {
          sink: sink.name,
          type: event.type,
          attempt,
          error: String(error),
        });
    },
    onDelivered: (sink) => counters?.delivered(sink.name),
  });
  // Image events read the manifest body back (zot sends it); one chain keeps events in store order.
  let chain: Promise<void> = Promise.resolve();
  const later = (work: () => Promise<void>) => {
    chain = chain.then(work).catch((error: unknown) => {
      logger.error('event not published', { error: String(error) });
    });
  };
  const deletedDigests = new Set<string>();

  function onStoreEvent(event: StoreEvent): void {
    // the API opens a repository store with the request's actor, which the store puts on its events
    const who: EventActor | undefined = event.actor;
    switch (event.type) {
      case 'repositoryCreated':
        later(async () => recorder.repositoryCreated(event.repository, who));
        return;
      case 'manifestPut':
        later(async () => {
          const manifest = await store
            .repository(event.repository)
            .manifests.get(event.digest)
            .then((m) => Buffer.from(m.content).toString('utf8'))
            .catch(() => undefined); // deleted meanwhile: the event goes out without the body
          // one event per tag the push set, as zot sends one per changed tag
          for (const reference of event.tags ?? [event.tag ?? event.digest])
            recorder.imageUpdated(
              {
                name: event.repository,
                reference,
                digest: event.digest,
                mediaType: event.mediaType,
                ...(manifest === undefined ? {} : { manifest }),
              },
              who,
            );
        });
        return;
      case 'manifestDeleted':
        // A delete by digest also emits tagDeleted for each tag first; zot sends one event, by digest.
        deletedDigests.add(`${event.repository}@${event.digest}`);
        queueMicrotask(() => deletedDigests.delete(`${event.repository}@${event.digest}`));
        later(async () =>
          recorder.imageDeleted(
            {
              name: event.repository,
              reference: event.digest,
              digest: event.digest,
              mediaType: event.mediaType ?? '',
            },
            who,
          ),
        );
        return;
      case 'tagDeleted': {
        const key = `${event.repository}@${event.digest}`;
        // decided after the store's synchronous emits: a manifestDeleted of the same digest supersedes it
        queueMicrotask(() => {
          if (deletedDigests.has(key)) return;
          later(async () =>
            recorder.imageDeleted(
              {
                name: event.repository,
                reference: event.tag,
                digest: event.digest,
                mediaType: event.mediaType ?? '',
              },
              who,
            ),
          );
        });
        return;
      }
      default:
        return;
    }
  }
  const unsubscribe = store.subscribe(onStoreEvent);
  logger.info('events extension enabled', { sinks: settings.sinks.map((s) => `${s.type}:${s.address}`) });

  return {
    recorder,
    feature: {
      async close() {
        unsubscribe();
        await chain;
        await recorder.close(DRAIN_ON_CLOSE_MS);
      },
    },
  };
}
