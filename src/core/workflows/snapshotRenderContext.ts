import type { ContextSnapshot } from '../context/snapshot';
import type { RenderContext } from './render';

/** The render context a snapshot provides, plus the module answers gathered for this run. */
export function renderContextFromSnapshot(snapshot: ContextSnapshot, modules: Record<string, string> = {}): RenderContext {
  const context: RenderContext = { workspace: snapshot.workspace, modules };
  for (const part of snapshot.parts) {
    if (part.kind === 'selection') context.selection = part.content;
    else if (part.kind === 'file') context.file = { path: part.id, content: part.content };
    else context.gitDiff = part.content;
  }
  return context;
}
