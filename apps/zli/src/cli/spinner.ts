// A spinner for slow calls. It shows only when the profile asks for it (showspinner), stdout is a
// terminal and the output is text: piped or machine-readable output must stay clean. It draws on
// stderr and only after a short delay, so fast calls never flicker.

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface SpinnerOptions {
  readonly enabled: boolean;
  readonly delayMs?: number;
  readonly stream?: NodeJS.WriteStream;
}

export async function withSpinner<T>(
  label: string,
  options: SpinnerOptions,
  work: () => Promise<T>,
): Promise<T> {
  if (!options.enabled) return work();
  const stream = options.stream ?? process.stderr;
  let frame = 0;
  let interval: NodeJS.Timeout | undefined;
  const delay = setTimeout(() => {
    interval = setInterval(() => {
      stream.write(`\r${FRAMES[frame % FRAMES.length]} ${label}`);
      frame += 1;
    }, 80);
  }, options.delayMs ?? 300);
  try {
    return await work();
  } finally {
    clearTimeout(delay);
    if (interval !== undefined) {
      clearInterval(interval);
      stream.write(`\r${' '.repeat(label.length + 2)}\r`);
    }
  }
}
