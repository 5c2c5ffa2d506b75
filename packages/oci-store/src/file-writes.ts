// How the local driver hands bytes to the kernel. The size of each write(2) decides the size of the
// page-cache folios the kernel allocates for new file data (Linux 6.x, large folios on ext4: a 1 MiB write at
// a 1 MiB boundary gets one 1 MiB folio). Large folios come from the page allocator's large free blocks, and
// on a VM with free page reporting (virtio-balloon; these machines run Firecracker with
// page_reporting_order=11) those blocks are most likely the memory handed back to the host, so the first
// touch of each page costs a host fault, paid inside the kernel's copy (`copy_folio_from_iter_atomic`: 54% of
// the server's samples in 16 concurrent 100 MiB pushes). Small folios mostly come from fragmented free memory
// that is still backed. Measured in the bench's push sequence (3 runs each, docs/performance.md): 1 MiB per
// call costs 0.8 s of system time per 260 MiB of 10 MiB layers at c=4, 256 KiB 0.2 s; 512 KiB loses the gain
// at 100 MiB c=4; 64 KiB is as cheap in the kernel but four times the thread-pool round trips, which a single
// upload waits on (100 MiB at c=1: 400 MiB/s against 500 with 256 KiB). CNCF distribution writes 32 KiB per
// call and pays the small-folio price too.
import type { FileHandle } from 'node:fs/promises';

/** Largest single write(2) the local driver issues. */
export const MAX_WRITE_BYTES = 256 * 1024;

/** The part of a FileHandle this needs (tests pass a recorder). */
export type WritableHandle = Pick<FileHandle, 'write'>;

/**
 * Writes all of `chunk` in calls of at most MAX_WRITE_BYTES, one after the other (the file may be opened for
 * append, where two calls in flight could land out of order), retrying short writes.
 */
export async function writeFully(handle: WritableHandle, chunk: Uint8Array): Promise<void> {
  let written = 0;
  while (written < chunk.byteLength) {
    const length = Math.min(chunk.byteLength - written, MAX_WRITE_BYTES);
    const { bytesWritten } = await handle.write(chunk, written, length);
    written += bytesWritten;
  }
}
