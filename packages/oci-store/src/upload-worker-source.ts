// The upload worker thread's program (upload-worker-pool.ts starts it). It owns the per-byte work of blob
// uploads on the local disk: for each batch of bytes the main thread transfers to it (zero copy), it feeds the
// upload's sha256 and has the batch written to the upload file's descriptor (threads share the process's
// descriptors; the main thread opened the file for append and closes it only after every batch is
// acknowledged), then transfers the batch's memory back for reuse. The writes go through libuv's thread pool,
// as on the main thread before, so hashing here and the kernel's copy into the page cache run side by side
// (written synchronously here, one upload at a time, the thread became the ceiling of every push). The main thread keeps the file's lifecycle (open, fsync,
// truncate on failure, rename after the digest check); this thread never opens or names a file.
//
// Why source text run with `eval: true`, not a module file: the server runs from TypeScript sources (tsx,
// vitest) and as one esbuild bundle, and a worker file would need a loader in one case and a second bundle
// entry in the other. This program needs only Node built-ins, so it is kept small and plain (CommonJS).
//
// Messages in (one worker serves many uploads; each upload's messages arrive in the order they were sent, which
// is the order of its bytes):
//   { op: 'open', id }                          a new upload state: an empty sha256
//   { op: 'begin', id, fd }                     an append starts: remember the hash to roll back to
//   { op: 'write', id, req, buffer, length }    hash buffer[0, length), append it to fd; reply { req, buffer }
//   { op: 'rollback', id }                      the append failed: the hash goes back to the last 'begin'
//   { op: 'digest', id, req }                   reply { req, hex } (sha256 of everything so far)
//   { op: 'drop', id }                          forget the state
// A failed write replies { req, buffer, error: { message, code } } and fails every later write of that append,
// so that no byte lands after a gap.
import { MAX_WRITE_BYTES } from './file-writes.js';

export const UPLOAD_WORKER_SOURCE = `'use strict';
const { parentPort } = require('node:worker_threads');
const { write } = require('node:fs');
const { createHash } = require('node:crypto');
const MAX_WRITE_BYTES = ${MAX_WRITE_BYTES};
const states = new Map();

function describe(error) {
  return { message: String((error && error.message) || error), code: error && error.code };
}

function reply(message, error) {
  parentPort.postMessage({ req: message.req, buffer: message.buffer, error }, [message.buffer]);
}

// Writes the state's queued batches one after the other (the file is opened for append: two writes in flight
// could land out of order), each in calls of at most 256 KiB (file-writes.ts says why), retrying short writes.
function drain(state) {
  if (state.writing || state.queue.length === 0) return;
  state.writing = true;
  const message = state.queue[0];
  const bytes = new Uint8Array(message.buffer, 0, message.length);
  let written = 0;
  const finish = (error) => {
    state.queue.shift();
    state.writing = false;
    if (error !== undefined && state.failed === undefined) state.failed = describe(error);
    reply(message, state.failed);
    drain(state);
  };
  const next = () => {
    if (state.failed !== undefined) return finish(undefined);
    if (written >= bytes.byteLength) return finish(undefined);
    const length = Math.min(bytes.byteLength - written, MAX_WRITE_BYTES);
    write(state.fd, bytes, written, length, null, (error, count) => {
      if (error) return finish(error);
      written += count;
      next();
    });
  };
  next();
}

parentPort.on('message', (message) => {
  const state = states.get(message.id);
  switch (message.op) {
    case 'open':
      states.set(message.id, {
        hash: createHash('sha256'),
        checkpoint: undefined,
        fd: -1,
        failed: undefined,
        queue: [],
        writing: false,
      });
      return;
    case 'begin':
      if (state === undefined) return;
      state.checkpoint = state.hash.copy();
      state.fd = message.fd;
      state.failed = undefined;
      return;
    case 'write':
      if (state === undefined) return reply(message, { message: 'unknown upload state' });
      // hashed now, in the order the bytes came; written by the thread pool meanwhile (both only read them)
      state.hash.update(new Uint8Array(message.buffer, 0, message.length));
      state.queue.push(message);
      drain(state);
      return;
    case 'rollback':
      if (state !== undefined && state.checkpoint !== undefined) state.hash = state.checkpoint.copy();
      return;
    case 'digest':
      parentPort.postMessage(
        state === undefined
          ? { req: message.req, error: { message: 'unknown upload state' } }
          : { req: message.req, hex: state.hash.copy().digest('hex') },
      );
      return;
    case 'drop':
      states.delete(message.id);
      return;
  }
});
`;
