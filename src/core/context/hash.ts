import { createHash } from 'node:crypto';
import type { ContextKind, ContextPart, ContextSnapshot } from './snapshot';
import { PART_KINDS } from './snapshot';

/** Bumped if the combined-hash layout ever changes, so old and new keys cannot collide. */
const COMBINED_HASH_VERSION = 'context-v1';

export function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * Whether a part's content is the content its hash names. A file part's hash is over the bytes read and its
 * content their strict UTF-8 decoding (BOM kept), which encodes back to exactly those bytes, so one rule fits
 * every kind. Checked field by field because a cached part is data from a store, not a value we just built.
 */
export function partMatchesItsHash(part: Pick<ContextPart, 'hash' | 'content'>): boolean {
  return typeof part.content === 'string' && typeof part.hash === 'string' && sha256(part.content) === part.hash;
}

/**
 * One hash over parts in a stable order (kind in canonical order, then id), independent of the order the
 * parts were read in. Ids enter the hash so the same content under another path is another context, and the
 * same output of another command another context. The new kinds (reference, shell) sort after the old ones, so
 * snapshots without them hash as they always did.
 */
export function combinePartHashes(parts: readonly Pick<ContextPart, 'kind' | 'id' | 'hash'>[]): string {
  const sorted = [...parts].sort(
    (a, b) => PART_KINDS.indexOf(a.kind) - PART_KINDS.indexOf(b.kind) || compareStrings(a.id, b.id),
  );
  const hash = createHash('sha256').update(`${COMBINED_HASH_VERSION}\n`);
  for (const part of sorted) hash.update(`${part.kind}\t${part.id}\t${part.hash}\n`);
  return hash.digest('hex');
}

/**
 * The hash of only the parts of `reads` kinds: a module's key input, so a module that reads the file does
 * not miss when only the selection moved. Reading every kind gives the snapshot's own hash.
 */
export function hashSubset(snapshot: ContextSnapshot, reads: readonly ContextKind[]): string {
  const wanted = new Set<string>(reads);
  return combinePartHashes(snapshot.parts.filter((part) => wanted.has(part.kind)));
}

function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
