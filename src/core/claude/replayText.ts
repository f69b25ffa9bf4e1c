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

/**
 * Splits at whitespace when one falls in the second half of a chunk, and never inside a surrogate pair.
 * Each chunk looks back over its own second half only, so the work is linear in the text: searching back from
 * the chunk's end with lastIndexOf would walk to the start of the text whenever it holds no space or no newline
 * (lastIndexOf returns the last occurrence at or before its position, or -1 after scanning everything before it:
 * https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/String/lastIndexOf), which
 * made replaying a 5 MiB answer without whitespace take minutes.
 */
export function splitIntoChunks(text: string, chunkChars: number): string[] {
  const chunks: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + chunkChars, text.length);
    if (end < text.length) {
      const breakAt = breakAfterWhitespace(text, start + chunkChars / 2, end);
      if (breakAt !== -1) end = breakAt;
      if (isHighSurrogate(text.charCodeAt(end - 1))) end = end - 1 > start ? end - 1 : end + 1;
    }
    chunks.push(text.slice(start, end));
    start = end;
  }
  return chunks;
}

/** The position just after the last space or newline before `end` when that position is past `after`; else -1. */
function breakAfterWhitespace(text: string, after: number, end: number): number {
  for (let index = end - 1; index + 1 > after; index -= 1) {
    const code = text.charCodeAt(index);
    if (code === SPACE || code === NEWLINE) return index + 1;
  }
  return -1;
}

const SPACE = 0x20;
const NEWLINE = 0x0a;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
