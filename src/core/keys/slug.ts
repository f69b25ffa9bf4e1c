/** Longest slug a key starts with; the hash that follows it keeps keys distinct, so the slug only needs to be readable. */
export const MAX_SLUG_LENGTH = 64;

/** What a slug becomes when nothing of the text survives folding (only emoji, only punctuation). */
export const EMPTY_SLUG = 'unnamed';

/**
 * Maps any user text (a workflow name like `frontend:lint`, Unicode, spaces, glob characters) into the safe key
 * space: lowercase segments of [a-z0-9._-] joined by `:`, which stays the namespace separator so that a pattern
 * like `frontend:*` selects a whole namespace. Accents are folded (`Résumé` -> `resume`); every other run of
 * characters outside the set becomes one `-`. Lossy by design: keys append a hash of the raw text.
 */
export function slugForKey(text: string, maxLength: number = MAX_SLUG_LENGTH): string {
  const limit = Math.max(1, Math.floor(maxLength));
  // Output is bounded, so bound the work too; a few characters per output character is plenty of slack for
  // text that folds away.
  const folded = text
    .slice(0, limit * 8)
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '');
  const segments: string[] = [];
  for (const raw of folded.split(':')) {
    const segment = raw
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '');
    if (segment.length > 0) segments.push(segment);
  }
  let slug = segments.join(':');
  if (slug.length > limit) slug = slug.slice(0, limit).replace(/[-.:]+$/, '');
  return slug.length > 0 ? slug : EMPTY_SLUG.slice(0, limit);
}
