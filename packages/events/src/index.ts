// Public API of @zot-ts/events: what is not exported here is internal.
export {
  type CloudEvent,
  EVENT_SOURCE,
  type EventActor,
  type EventType,
  EventTypes,
  type ImageEventData,
} from './cloud-event.js';
export type { DeliveryQueueOptions, DeliveryStats } from './delivery-queue.js';
export { CLOUDEVENTS_JSON, createHttpSink, type HttpSinkOptions } from './http-sink.js';
export { createNatsSink, type NatsSinkOptions } from './nats-sink.js';
export {
  createEventRecorder,
  createSink,
  type EventRecorder,
  type EventRecorderOptions,
  type SinkOptions,
} from './recorder.js';
export {
  DEFAULT_SINK_TIMEOUT_MS,
  type Sink,
  type SinkCredentials,
  SinkError,
  type SinkTls,
} from './sink.js';
