import { referenceId } from '../context/referencePart';
import type { ContextSnapshot } from '../context/snapshot';
import type { RenderContext } from './render';

/**
 * The render context a snapshot provides, plus the module answers gathered for this run.
 * - Shell output by command, exactly as the snapshot was asked to run it (the bound prompt's commands).
 * - Referenced files by path. `references` are the paths the prompt names (fileReferencesOf): each gets its
 *   file's content, or null when it names no file (no part was read for it), so the prompt keeps the text as
 *   written; paths are also matched in their normalised form, so `./src/a.ts` finds the part for `src/a.ts`.
 */
export function renderContextFromSnapshot(
  snapshot: ContextSnapshot,
  modules: Record<string, string> = {},
  references: readonly string[] = [],
): RenderContext {
  const context: RenderContext = { workspace: snapshot.workspace, modules };
  const referenced = new Map<string, string>();
  for (const part of snapshot.parts) {
    switch (part.kind) {
      case 'selection':
        context.selection = part.content;
        break;
      case 'file':
        context.file = { path: part.id, content: part.content };
        break;
      case 'gitDiff':
        context.gitDiff = part.content;
        break;
      case 'reference':
        referenced.set(part.id, part.content);
        break;
      case 'shell':
        (context.shellOutputs ??= {})[part.id] = part.content;
        break;
    }
  }
  if (referenced.size > 0 || references.length > 0) {
    const fileReferences: Record<string, string | null> = Object.fromEntries(referenced);
    for (const reference of references) fileReferences[reference] = referenced.get(referenceId(snapshot.workspace, reference)) ?? null;
    context.fileReferences = fileReferences;
  }
  return context;
}
