import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { ClaudeCancelledError } from './errors';

export interface ReplayOptions {
  /** Longest chunk, in characters; chunks end after whitespace where possible. Default 48. */
  chunkChars?: number;
  signal?: AbortSignal;
}

/**
 * Plays a stored answer through the same `onText` callback a live stream uses, so callers have one code path
 * for cache hits and misses. Yields to the event loop between chunks so a long answer does not block the UI,
 * and stops with ClaudeCancelledError when the signal fires.
 */
export async function replayText(text: string, onText: (chunk: string) => void, options: ReplayOptions = {}): Promise<void> {
  const chunkChars = Math.max(1, Math.floor(options.chunkChars ?? 48));
  const { signal } = options;
  for (const chunk of splitIntoChunks(text, chunkChars)) {
    if (signal?.aborted) throw new ClaudeCancelledError({ cause: signal.reason });
    onText(chunk);
    await yieldToEventLoop();
  }
  if (signal?.aborted) throw new ClaudeCancelledError({ cause: signal.reason });
}

/** Splits at whitespace when one falls in the second half of a chunk, and never inside a surrogate pair. */
export function splitIntoChunks(text: string, chunkChars: number): string[] {
  const chunks: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + chunkChars, text.length);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end - 1);
      const newline = text.lastIndexOf('\n', end - 1);
      const breakAt = Math.max(space, newline) + 1;
      if (breakAt > start + chunkChars / 2) end = breakAt;
      if (isHighSurrogate(text.charCodeAt(end - 1))) end = end - 1 > start ? end - 1 : end + 1;
    }
    chunks.push(text.slice(start, end));
    start = end;
  }
  return chunks;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
