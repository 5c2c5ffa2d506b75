// Writes a streamed body (a blob, or its ranges) into the Node response ourselves rather than through
// stream.pipeline: each chunk's write callback tells us the socket has taken its bytes, and only then can
// the chunk's buffer go back to the store's read pool (oci-store chunk-pool.ts), so a download reuses two
// buffers instead of allocating a fresh 1 MiB one per chunk. Backpressure: wait for 'drain' after a write
// the socket could not take at once; a client that goes away ends the wait and the file is closed.
import type { ServerResponse } from 'node:http';
import { finished } from 'node:stream/promises';
import { recycleChunk } from './store-contract.js';

class ClientGoneError extends Error {
  constructor() {
    super('the client closed the connection');
    this.name = 'ClientGoneError';
  }
}

/** Resolves on 'drain'; rejects when the response closes first (the client went away). */
function drained(outgoing: ServerResponse): Promise<void> {
  if (outgoing.destroyed) return Promise.reject(new ClientGoneError());
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      outgoing.off('drain', onDrain);
      outgoing.off('close', onClose);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onClose = () => {
      cleanup();
      reject(new ClientGoneError());
    };
    outgoing.on('drain', onDrain);
    outgoing.on('close', onClose);
  });
}

/**
 * Streams `body` into `outgoing` (headers already set) and ends it; resolves once the response finished,
 * with the bytes written. When the client went away or the body failed mid-way, the response is destroyed
 * (the headers are gone, so a cut connection is the only way to signal it) and `completed` is false.
 */
export async function writeBody(
  body: AsyncIterable<Uint8Array>,
  outgoing: ServerResponse,
): Promise<{ bytes: number; completed: boolean }> {
  let bytes = 0;
  try {
    for await (const chunk of body) {
      bytes += chunk.byteLength;
      const flushed = outgoing.write(chunk, (error) => {
        // written into the socket: nothing reads this buffer again (on error it may still be queued)
        if (error === null || error === undefined) recycleChunk(chunk);
      });
      if (!flushed) await drained(outgoing);
    }
    outgoing.end();
    await finished(outgoing);
    return { bytes, completed: true };
  } catch {
    if (!outgoing.destroyed) outgoing.destroy();
    return { bytes, completed: false };
  }
}
