// The event recorder: builds zot's four events and hands each to every sink's delivery queue. Publishing
// is synchronous and never waits for a sink (zot publishes from a goroutine for the same reason).
import {
  actorOf,
  buildEvent,
  type CloudEvent,
  type EventActor,
  EventTypes,
  type ImageEventData,
  imageData,
} from './cloud-event.js';
import { createDeliveryQueue, type DeliveryQueueOptions, type DeliveryStats } from './delivery-queue.js';
import { createHttpSink, type HttpSinkOptions } from './http-sink.js';
import { createNatsSink, type NatsSinkOptions } from './nats-sink.js';
import { type Sink, SinkError } from './sink.js';

export type SinkOptions = ({ type: 'http' } & HttpSinkOptions) | ({ type: 'nats' } & NatsSinkOptions);

export interface EventRecorderOptions extends DeliveryQueueOptions {
  /** Sink descriptions, or sinks already built (tests, embedders). */
  sinks: Array<SinkOptions | Sink>;
  /** CloudEvents source; default zot's `zotregistry.dev`. */
  source?: string;
  now?: () => Date;
}

export interface EventRecorder {
  repositoryCreated(name: string, actor?: EventActor): void;
  imageUpdated(image: ImageEventData, actor?: EventActor): void;
  imageDeleted(image: ImageEventData, actor?: EventActor): void;
  imageLintFailed(image: ImageEventData, actor?: EventActor): void;
  /** Any event, to every sink. */
  publish(event: CloudEvent): void;
  /** Per sink name. */
  stats(): Record<string, DeliveryStats>;
  /** Waits up to `timeoutMs` for every queue to empty; true when all did. */
  drained(timeoutMs: number): Promise<boolean>;
  /** Gives queued events `drainMs` to go out, then closes the sinks. */
  close(drainMs?: number): Promise<void>;
}

function isSink(value: SinkOptions | Sink): value is Sink {
  return typeof (value as Sink).send === 'function';
}

/** zot refuses a sink type it does not know with this message (pkg/extensions/config/events/decoder.go). */
export function createSink(options: SinkOptions): Sink {
  const { type } = options;
  if (type === 'http') return createHttpSink(options);
  if (type === 'nats') return createNatsSink(options);
  throw new SinkError('SINK_INVALID', `event sink is not supported: ${String(type)}`);
}

export function createEventRecorder(options: EventRecorderOptions): EventRecorder {
  const sinks = options.sinks.map((entry) => (isSink(entry) ? entry : createSink(entry)));
  const queues = sinks.map((sink) => createDeliveryQueue(sink, options));
  const build = (type: string, data: Record<string, unknown>): CloudEvent =>
    buildEvent({
      type,
      data,
      ...(options.source === undefined ? {} : { source: options.source }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
  function publish(event: CloudEvent): void {
    for (const queue of queues) queue.enqueue(event);
  }

  return {
    repositoryCreated(name, actor) {
      const cleanActor = actorOf(actor);
      publish(build(EventTypes.repositoryCreated, cleanActor ? { name, actor: cleanActor } : { name }));
    },
    imageUpdated: (image, actor) => publish(build(EventTypes.imageUpdated, imageData(image, actor))),
    imageDeleted(image, actor) {
      const { manifest: _unused, ...withoutBody } = image;
      publish(build(EventTypes.imageDeleted, imageData(withoutBody, actor)));
    },
    imageLintFailed: (image, actor) => publish(build(EventTypes.imageLintFailed, imageData(image, actor))),
    publish,
    stats: () => Object.fromEntries(queues.map((q) => [q.sink.name, q.stats()])),
    async drained(timeoutMs) {
      const results = await Promise.all(queues.map((q) => q.drained(timeoutMs)));
      return results.every(Boolean);
    },
    async close(drainMs = 0) {
      await Promise.all(queues.map((q) => q.close(drainMs)));
    },
  };
}
