// Where log lines go: a file (appended, as zot's log.output / log.audit) or a stream such as stdout.
// One JSON object per line; writes never block a request (the stream buffers, Node flushes).
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import type { LogLevel } from '@zot-ts/config';

export interface LogSink {
  write(fields: Record<string, unknown>): void;
  close(): Promise<void>;
}

const levelRank: Record<LogLevel, number> = {
  trace: 0,
  debug: 1,
  info: 2,
  warn: 3,
  error: 4,
  fatal: 5,
  panic: 6,
  disabled: 99,
};

export function levelEnabled(configured: LogLevel, wanted: LogLevel): boolean {
  return levelRank[wanted] >= levelRank[configured];
}

export function streamSink(stream: Writable, ownsStream: boolean): LogSink {
  return {
    write(fields) {
      stream.write(`${JSON.stringify({ time: new Date().toISOString(), ...fields })}\n`);
    },
    close() {
      if (!ownsStream) return Promise.resolve();
      return new Promise((resolve) => stream.end(resolve));
    },
  };
}

/** A sink appending to `path`, or writing to `fallback` (stdout) when no path is configured. */
export function openSink(path: string | undefined, fallback: Writable): LogSink {
  if (path === undefined || path === '') return streamSink(fallback, false);
  mkdirSync(dirname(path), { recursive: true });
  return streamSink(createWriteStream(path, { flags: 'a' }), true);
}

/** Leveled logging over a sink: `logger.info('message', fields)`. */
export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  enabled(level: LogLevel): boolean;
}

export function createLogger(sink: LogSink, configured: LogLevel): Logger {
  const log = (level: LogLevel, message: string, fields: Record<string, unknown> = {}) => {
    if (levelEnabled(configured, level)) sink.write({ level, message, ...fields });
  };
  return {
    log,
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
    enabled: (level) => levelEnabled(configured, level),
  };
}
