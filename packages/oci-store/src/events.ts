// The observer hub: metrics, audit, sync subscribe; an observer that throws never breaks a write.
import type { StoreEvent, StoreObserver } from './store-types.js';

export interface EventHub {
  emit(event: StoreEvent): void;
  subscribe(observer: StoreObserver): () => void;
}

export function createEventHub(onObserverError: (error: unknown) => void = () => {}): EventHub {
  const observers = new Set<StoreObserver>();
  return {
    emit(event) {
      for (const observer of observers) {
        try {
          observer(event);
        } catch (error) {
          onObserverError(error);
        }
      }
    },
    subscribe(observer) {
      // a wrapper, so the same function subscribed twice gets two independent subscriptions
      const subscription: StoreObserver = (event) => observer(event);
      observers.add(subscription);
      return () => {
        observers.delete(subscription);
      };
    },
  };
}
