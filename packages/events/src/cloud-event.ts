// CloudEvents 1.0 (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md) as zot builds them
// (pkg/extensions/events/builder.go): source `zotregistry.dev`, a UUID id, the time of the change, JSON data.
import { randomUUID } from 'node:crypto';

/** zot's CloudEvents source attribute (pkg/extensions/events/common.go: EventSource). */
export const EVENT_SOURCE = 'zotregistry.dev';

/** zot's event types (pkg/extensions/events/common.go). */
export const EventTypes = {
  imageUpdated: 'zotregistry.image.updated',
  imageDeleted: 'zotregistry.image.deleted',
  imageLintFailed: 'zotregistry.image.lint_failed',
  repositoryCreated: 'zotregistry.repository.created',
} as const;

export type EventType = (typeof EventTypes)[keyof typeof EventTypes];

/** Who made the change: the authenticated user (absent when anonymous) and the client's address. Ours, not zot's. */
export interface EventActor {
  user?: string;
  clientIp?: string;
}

/** A CloudEvent in structured mode: the JSON object a sink sends as it is. */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype: 'application/json';
  /** zot sets this extension attribute on HTTP deliveries when the sink has a channel. */
  channel?: string;
  data: Record<string, unknown>;
}

export interface BuildEventOptions {
  type: EventType | string;
  data: Record<string, unknown>;
  source?: string;
  now?: () => Date;
}

export function buildEvent(options: BuildEventOptions): CloudEvent {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: options.source ?? EVENT_SOURCE,
    type: options.type,
    time: (options.now?.() ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    data: options.data,
  };
}

/** Data of an image event, in zot's field names (name, reference, digest, mediaType, manifest). */
export interface ImageEventData {
  name: string;
  reference: string;
  digest: string;
  mediaType: string;
  /** The manifest body as a string (zot sends it on updated and lint_failed, not on deleted). */
  manifest?: string;
}

/** zot's data fields, then ours: the actor, only when known. */
export function imageData(image: ImageEventData, actor?: EventActor): Record<string, unknown> {
  const data: Record<string, unknown> = {
    name: image.name,
    reference: image.reference,
    digest: image.digest,
    mediaType: image.mediaType,
  };
  if (image.manifest !== undefined) data.manifest = image.manifest;
  const cleanActor = actorOf(actor);
  if (cleanActor !== undefined) data.actor = cleanActor;
  return data;
}

export function actorOf(actor: EventActor | undefined): EventActor | undefined {
  if (actor === undefined) return undefined;
  const clean: EventActor = {};
  if (actor.user !== undefined && actor.user !== '') clean.user = actor.user;
  if (actor.clientIp !== undefined && actor.clientIp !== '') clean.clientIp = actor.clientIp;
  return Object.keys(clean).length === 0 ? undefined : clean;
}
