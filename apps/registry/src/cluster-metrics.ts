// /metrics of a cluster (http.workers) reports the whole server, not the worker that happened to get the
// scrape: that worker asks the primary, the primary collects every worker's metrics as JSON over the cluster's
// IPC channel and merges them (gc-metrics aggregateMetricsText, prom-client's AggregatorRegistry). A worker
// that does not answer within `collectTimeoutMs` is left out of that scrape rather than failing it.
import cluster, { type Worker } from 'node:cluster';
import { aggregateMetricsText, type ProcessMetricsJson, type RegistryMetrics } from '@zot-ts/gc-metrics';

const collectTimeoutMs = 2_000;

type MetricsMessage =
  | { type: 'zot-metrics-request'; id: number }
  | { type: 'zot-metrics-collect'; id: number }
  | { type: 'zot-metrics-json'; id: number; metrics: ProcessMetricsJson }
  | { type: 'zot-metrics-response'; id: number; text?: string; error?: string };

function asMetricsMessage(message: unknown): MetricsMessage | undefined {
  const type = (message as { type?: unknown } | null)?.type;
  return typeof type === 'string' && type.startsWith('zot-metrics-')
    ? (message as MetricsMessage)
    : undefined;
}

/** In the primary: answers workers' scrape requests with the merged metrics of all workers. */
export function serveClusterMetrics(workers: () => Worker[]): void {
  let nextCollection = 0;
  const collections = new Map<number, (from: Worker, metrics: ProcessMetricsJson) => void>();
  cluster.on('message', (from: Worker, raw: unknown) => {
    const message = asMetricsMessage(raw);
    if (message?.type === 'zot-metrics-json') collections.get(message.id)?.(from, message.metrics);
    if (message?.type !== 'zot-metrics-request') return;
    const id = nextCollection++;
    const asked = workers().filter((worker) => worker.isConnected());
    const answers = new Map<Worker, ProcessMetricsJson>();
    const reply = (
      response: Omit<Extract<MetricsMessage, { type: 'zot-metrics-response' }>, 'type' | 'id'>,
    ) => {
      if (from.isConnected()) from.send({ type: 'zot-metrics-response', id: message.id, ...response });
    };
    const finish = () => {
      clearTimeout(timer);
      collections.delete(id);
      aggregateMetricsText([...answers.values()]).then(
        (text) => reply({ text }),
        (error: unknown) => reply({ error: String(error) }),
      );
    };
    const timer = setTimeout(finish, collectTimeoutMs);
    collections.set(id, (worker, metrics) => {
      answers.set(worker, metrics);
      if (answers.size === asked.length) finish();
    });
    for (const worker of asked) worker.send({ type: 'zot-metrics-collect', id });
  });
}

/** In a worker: answers the primary's collections, and makes `metrics.metricsText()` the whole cluster's. */
export function shareMetricsAcrossWorkers(metrics: RegistryMetrics): void {
  let nextRequest = 0;
  const pending = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  process.on('message', (raw: unknown) => {
    const message = asMetricsMessage(raw);
    if (message?.type === 'zot-metrics-collect') {
      void metrics.registry.getMetricsAsJSON().then((json) => {
        process.send?.({ type: 'zot-metrics-json', id: message.id, metrics: json });
      });
    } else if (message?.type === 'zot-metrics-response') {
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (message.text !== undefined) waiting?.resolve(message.text);
      else waiting?.reject(new Error(`metrics of the cluster: ${message.error ?? 'no answer'}`));
    }
  });
  Object.assign(metrics, {
    metricsText: () =>
      new Promise<string>((resolve, reject) => {
        const id = nextRequest++;
        pending.set(id, { resolve, reject });
        process.send?.({ type: 'zot-metrics-request', id });
      }),
  });
}
