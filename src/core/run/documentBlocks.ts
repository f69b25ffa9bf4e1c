import type { ContextSnapshot } from '../context';
import { fileBlock } from '../workflows';

/** One document a run sends, and whether it is likely to be sent again (and so worth a provider-cache write). */
export interface DocumentBlock {
  text: string;
  repeats: boolean;
}

/**
 * Each document a run sends, in a stable order: files, the git diff and the modules' notes (sent again while they
 * are unchanged), then the selection, which is seldom sent twice, so that it comes after every breakpoint.
 */
export function documentBlocks(snapshot: ContextSnapshot, moduleAnswers: Record<string, string>): DocumentBlock[] {
  const blocks: DocumentBlock[] = [];
  for (const part of snapshot.parts) {
    if (part.kind === 'file') blocks.push({ text: fileBlock(part.id, part.content), repeats: true });
    if (part.kind === 'gitDiff') blocks.push({ text: `<git-diff>\n${part.content}\n</git-diff>`, repeats: true });
  }
  for (const [name, answer] of Object.entries(moduleAnswers)) {
    blocks.push({ text: `<notes source="${name}">\n${answer}\n</notes>`, repeats: true });
  }
  for (const part of snapshot.parts) {
    if (part.kind === 'selection') blocks.push({ text: `<selection>\n${part.content}\n</selection>`, repeats: false });
  }
  return blocks;
}
