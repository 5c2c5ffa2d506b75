// One bounded queue per sink, drained by one loop that sends in order and retries with backoff.
// Publishing only appends to the array: a slow or dead sink never slows the push that caused the event.
// While the process lives, delivery is at least once: an event leaves the queue only after the sink
// acknowledged it, so events queued while the sink was down go out when it comes back, up to the bound;
// past the bound a new event is dropped (and reported), never one already waiting.
import type { CloudEvent } from './cloud-event.js';
import type { Sink } from './sink.js';

export interface DeliveryQueueOptions {
  /** Most events waiting for this sink; default 1000. */
  maxQueuedEvents?: number;
  /** First retry delay; doubles on each failure up to maxRetryDelayMs. Default 100 ms. */
  initialRetryDelayMs?: number;
  /** Default 10 s. */
  maxRetryDelayMs?: number;
  /** An event that did not fit in the queue. */
  onDropped?: (sink: Sink, event: CloudEvent) => void;
  /** A failed attempt; the event stays queued and is retried. */
  onAttemptFailed?: (sink: Sink, event: CloudEvent, error: unknown, attempt: number) => void;
  onDelivered?: (sink: Sink, event: CloudEvent) => void;
}

export interface DeliveryStats {
  queued: number;
  delivered: number;
  dropped: number;
  failedAttempts: number;
}

export interface DeliveryQueue {
  readonly sink: Sink;
  /** false when the event was dropped because the queue is full. */
  enqueue(event: CloudEvent): boolean;
  stats(): DeliveryStats;
  /** Resolves once the queue is empty, or after `timeoutMs` (false then). */
  drained(timeoutMs: number): Promise<boolean>;
  /** Stops the loop (after giving it `drainMs` to empty the queue) and closes the sink. */
  close(drainMs?: number): Promise<void>;
}

export function createDeliveryQueue(sink: Sink, options: DeliveryQueueOptions = {}): DeliveryQueue {
  const maxQueued = options.maxQueuedEvents ?? 1000;
  const initialDelay = options.initialRetryDelayMs ?? 100;
  const maxDelay = options.maxRetryDelayMs ?? 10_000;
  const pending: CloudEvent[] = [];
  const stats = { delivered: 0, dropped: 0, failedAttempts: 0 };
  let running = false;
  let closed = false;
  let wake: (() => void) | undefined;
  let idleWaiters: Array<() => void> = [];

  // Sleeps between retries; close() wakes it so shutdown never waits a whole backoff.
  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }

  async function pump(): Promise<void> {
    running = true;
    let delay = initialDelay;
    let attempt = 0;
    while (!closed && pending.length > 0) {
      const event = pending[0] as CloudEvent;
      try {
        attempt += 1;
        await sink.send(event);
        pending.shift();
        stats.delivered += 1;
        options.onDelivered?.(sink, event);
        delay = initialDelay;
        attempt = 0;
      } catch (error) {
        stats.failedAttempts += 1;
        options.onAttemptFailed?.(sink, event, error, attempt);
        if (closed) break;
        await pause(delay);
        delay = Math.min(delay * 2, maxDelay);
      }
    }
    running = false;
    if (pending.length === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  function drained(timeoutMs: number): Promise<boolean> {
    if (pending.length === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        idleWaiters = idleWaiters.filter((w) => w !== onIdle);
        resolve(false);
      }, timeoutMs);
      timer.unref();
      function onIdle() {
        clearTimeout(timer);
        resolve(true);
      }
      idleWaiters.push(onIdle);
    });
  }

  return {
    sink,
    enqueue(event) {
      if (closed || pending.length >= maxQueued) {
        stats.dropped += 1;
        options.onDropped?.(sink, event);
        return false;
      }
      pending.push(event);
      if (!running) void pump();
      return true;
    },
    stats: () => ({ queued: pending.length, ...stats }),
    drained,
    async close(drainMs = 0) {
      if (drainMs > 0) await drained(drainMs);
      closed = true;
      wake?.();
      await sink.close();
    },
  };
}
