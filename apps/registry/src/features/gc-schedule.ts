// A periodic background pass that never overlaps itself and stops cleanly: the GC schedule.
// zot submits GC as a periodic generator to its task scheduler (pkg/scheduler): a new generator is ready
// at once, so the first pass starts right after the server does, and the next one `gcInterval` after the
// previous pass finished (a slow pass delays the next, it never runs twice at once). An interval of 0 is
// zot's non-periodic generator: one pass, then done.

export interface PassSchedule {
  /** Starts the timer; the first pass follows after `firstDelayMs`. Idempotent. */
  start(): void;
  /** Runs a pass now (or joins the running one) and resolves when it ends; the timer restarts after it. */
  runNow(): Promise<void>;
  /** Stops the timer, aborts a running pass through its signal and waits for it to end. */
  close(): Promise<void>;
  /** Resolves when a pass that starts after this call has ended (tests, and callers that changed something). */
  nextPass(): Promise<void>;
  /** Passes finished so far, failed ones included. */
  readonly passes: number;
}

export interface PassScheduleOptions {
  /** Milliseconds between the end of a pass and the start of the next; 0 runs one pass only. */
  intervalMs: number;
  /** Delay before the first pass. Default 0 (zot: a new generator is ready at once). */
  firstDelayMs?: number;
  /** One pass; it should stop early when `signal` aborts. */
  run(signal: AbortSignal): Promise<void>;
  /** A pass that threw (other than by the abort at close). */
  onError(error: unknown): void;
}

export function createPassSchedule(options: PassScheduleOptions): PassSchedule {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let started = false;
  let passes = 0;
  // waiters for a pass not yet started, and for the running one
  let waitingForStart: Array<() => void> = [];

  function arm(delayMs: number): void {
    if (abort.signal.aborted) return;
    clearTimeout(timer);
    timer = setTimeout(() => void runNow(), delayMs);
    // the schedule alone must not keep the process alive (zot serve exits on its signal handlers)
    timer.unref();
  }

  function runNow(): Promise<void> {
    if (running !== undefined) return running;
    if (abort.signal.aborted) return Promise.resolve();
    clearTimeout(timer);
    const waiters = waitingForStart;
    waitingForStart = [];
    running = (async () => {
      try {
        await options.run(abort.signal);
      } catch (error) {
        if (!abort.signal.aborted) options.onError(error);
      } finally {
        passes += 1;
        running = undefined;
        for (const resolve of waiters) resolve();
        if (started && options.intervalMs > 0) arm(options.intervalMs);
      }
    })();
    return running;
  }

  return {
    start() {
      if (started) return;
      started = true;
      arm(options.firstDelayMs ?? 0);
    },
    runNow,
    nextPass() {
      if (abort.signal.aborted) return Promise.resolve();
      return new Promise((resolve) => waitingForStart.push(resolve));
    },
    async close() {
      abort.abort(new Error('GC stopped: the registry is shutting down'));
      clearTimeout(timer);
      await running;
      for (const resolve of waitingForStart) resolve();
      waitingForStart = [];
    },
    get passes() {
      return passes;
    },
  };
}
