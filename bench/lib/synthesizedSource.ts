import type { Corpus } from './corpus';
import { seededRandom } from './random';

/** A 32-bit seed from a content id (hex) and a salt, so the same id always gives the same text. */
export function seedOf(id: string, salt = 0): number {
  let hash = 2166136261 ^ salt;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 16777619);
  return hash >>> 0;
}

/**
 * Source text standing in for a file version the history names by content id only: code snippets from the
 * corpus picked by a generator seeded with the id, cut to the recorded size. The same id and size give the same
 * text on every run; two ids give different texts (the id heads the file), as two versions of a file differ.
 */
export function synthesizeSource(corpus: Corpus, blob: string, bytes: number): string {
  if (bytes <= 0) return '';
  const random = seededRandom(seedOf(blob));
  let text = `// content ${blob}\n`;
  while (text.length < bytes) {
    const snippet = corpus.snippets[Math.floor(random() * corpus.snippets.length)];
    text += `${snippet?.code ?? ''}\n\n`;
  }
  return `${text.slice(0, Math.max(bytes - 1, 0))}\n`;
}
