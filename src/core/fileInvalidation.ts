import path from 'node:path';
import { contextKey } from './keys';
import { TIERS } from './layers';
import type { TieredCache } from './tiered/tieredCache';
import type { Workflow } from './workflows';

/**
 * The context-layer keys under which WorkflowPipeline keeps the snapshots of runs on `filePath`: one per
 * workflow that reads the current file. The pipeline names a snapshot `<workflow>@<file relative to the
 * workspace>`; a test runs the real pipeline to keep the two in step.
 */
export function fileContextKeys(
  workspace: string,
  filePath: string,
  workflows: readonly Pick<Workflow, 'name' | 'reads'>[],
): string[] {
  const root = path.resolve(workspace);
  const relative = path.relative(root, path.resolve(root, filePath));
  return workflows
    .filter((workflow) => workflow.reads.includes('file'))
    .map((workflow) => contextKey(root, `${workflow.name}@${relative}`));
}

/**
 * Drops the cached snapshots that read a file which was saved, changed on disk or deleted. A stale snapshot
 * would be caught when next used anyway (the pipeline re-checks every part); dropping it early keeps the tree
 * honest and spares the re-check. Returns how many entries went, over all tiers.
 */
export async function invalidateFileContexts(
  cache: Pick<TieredCache, 'invalidate'>,
  workspace: string,
  filePath: string,
  workflows: readonly Pick<Workflow, 'name' | 'reads'>[],
): Promise<number> {
  let removed = 0;
  for (const key of fileContextKeys(workspace, filePath, workflows)) {
    const event = await cache.invalidate('context', key);
    for (const tier of TIERS) removed += event.removed[tier];
  }
  return removed;
}
