import { writeSync } from 'node:fs';

/**
 * Writes text straight to a file descriptor (1 or 2), falling back to the process's stream for good once the
 * descriptor would block (EAGAIN: a non-blocking pipe that is full). The stream objects behind process.stdout and
 * process.stderr load Node's tty or net modules on first use, a few milliseconds of a cached run that prints one
 * answer and one line; a write to a descriptor costs none of that. A closed reader (EPIPE) still fails the write.
 */
export function directWriter(
  fd: number,
  stream: () => NodeJS.WritableStream,
  write: (fd: number, bytes: Uint8Array, offset: number) => number = writeSync,
): (text: string) => void {
  let fallback: NodeJS.WritableStream | undefined;
  return (text) => {
    if (fallback) {
      fallback.write(text);
      return;
    }
    const bytes = Buffer.from(text, 'utf8');
    let offset = 0;
    try {
      while (offset < bytes.length) offset += write(fd, bytes, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      fallback = stream();
      fallback.write(bytes.subarray(offset));
    }
  };
}
