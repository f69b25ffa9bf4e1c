import { describeError } from '../errors';
import { gitDiffPart } from './buildSnapshot';
import { checkFilePart, filePartId } from './filePart';
import { sha256 } from './hash';
import type { ChangedPart, ContextLimits, ContextPart, ContextSnapshot, SnapshotCheck } from './snapshot';
import { DEFAULT_CONTEXT_LIMITS } from './snapshot';

/** What the caller sees now, for the parts a snapshot cannot re-read by itself. */
export interface CurrentContext {
  /** The current selection; a snapshot with a selection part and none given here is not fresh. */
  selection?: string;
  /** The file the workflow would read now; when given and different from the snapshot's, that part differs. */
  filePath?: string;
  limits?: Partial<ContextLimits>;
}

/**
 * Whether a snapshot still describes the workspace, and if not, which parts moved. Failures to re-read
 * (a repository gone, a permission change) count as changes: rebuilding the snapshot reports them properly.
 */
export async function checkSnapshot(snapshot: ContextSnapshot, current: CurrentContext = {}): Promise<SnapshotCheck> {
  const limits = { ...DEFAULT_CONTEXT_LIMITS, ...current.limits };
  const results = await Promise.all(snapshot.parts.map((part) => checkPart(snapshot.workspace, part, current, limits)));
  const changed = results.filter((result): result is ChangedPart => result !== undefined);
  return { fresh: changed.length === 0, changed };
}

async function checkPart(
  workspace: string,
  part: ContextPart,
  current: CurrentContext,
  limits: ContextLimits,
): Promise<ChangedPart | undefined> {
  switch (part.kind) {
    case 'selection': {
      if (current.selection === undefined) {
        return { id: part.id, kind: part.kind, reason: 'differs', detail: 'no current selection to compare' };
      }
      if (sha256(current.selection) === part.hash) return undefined;
      return { id: part.id, kind: part.kind, reason: 'differs', detail: 'the selection changed' };
    }
    case 'file': {
      if (current.filePath !== undefined) {
        const now = filePartId(workspace, current.filePath);
        if (now !== part.id) return { id: part.id, kind: part.kind, reason: 'differs', detail: `now reading ${now}` };
      }
      return checkFilePart(workspace, part);
    }
    case 'gitDiff': {
      try {
        const now = await gitDiffPart(workspace, limits.maxDiffBytes);
        if (now.hash === part.hash) return undefined;
        return { id: part.id, kind: part.kind, reason: 'differs', detail: 'the uncommitted changes differ' };
      } catch (error) {
        return { id: part.id, kind: part.kind, reason: 'differs', detail: describeError(error) };
      }
    }
  }
}
