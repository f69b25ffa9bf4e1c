/** What a workflow can read from a workspace by name (its `reads`), in the canonical order snapshots list them. */
export const CONTEXT_KINDS = ['selection', 'file', 'gitDiff'] as const;
export type ContextKind = (typeof CONTEXT_KINDS)[number];

/**
 * Every kind of part a snapshot holds: the named reads, then what the workflow's own text asks for, a file it
 * references (`@path`, a Markdown link) and the output of a `` !`cmd` `` line. Appended after the named reads so
 * the combined hash of a snapshot without the new kinds is what it was before they existed.
 */
export const PART_KINDS = [...CONTEXT_KINDS, 'reference', 'shell'] as const;
export type PartKind = (typeof PART_KINDS)[number];

/** Part ids for the parts that are not files (a file part's id is its workspace-relative path). */
export const SELECTION_PART_ID = 'selection';
export const GIT_DIFF_PART_ID = 'git-diff';

/** One thing a workflow read, with the evidence needed to tell later whether it changed. */
export interface ContextPart {
  kind: PartKind;
  /**
   * Workspace-relative path with `/` separators for files and references; the command text itself for shell
   * output; 'selection' or 'git-diff' otherwise.
   */
  id: string;
  /** sha256 (hex) of the UTF-8 content: the only evidence a freshness check accepts (see checkSnapshot.ts). */
  hash: string;
  /** Content length in bytes: a different size on disk proves a change, an equal size proves nothing. */
  size: number;
  /**
   * Only in snapshots cached by earlier versions (no longer written): ignored, because an mtime can be set back
   * (`touch -r`, `cp -p`) and so never proved a file unchanged. Kept in the type so those snapshots still load.
   */
  mtimeMs?: number;
  content: string;
}

/**
 * What a workflow read, as plain data (msgpackr-serializable: no classes, no functions).
 * `hash` covers every part's kind, id and hash, but not the workspace path, so two checkouts of the same
 * content (an editor and the CI job that prewarmed its cache) agree on it.
 */
export interface ContextSnapshot {
  /** Absolute path of the workspace folder the parts were read from. */
  workspace: string;
  parts: ContextPart[];
  hash: string;
}

/** Why a part no longer matches: the file changed, the file is gone, or the recomputed value is different. */
export type ChangeReason = 'modified' | 'deleted' | 'differs';

/** One stale part, so a caller can say why a cached answer was not reused. */
export interface ChangedPart {
  id: string;
  kind: PartKind;
  reason: ChangeReason;
  /** A short human explanation, e.g. "size 120 -> 131 bytes". */
  detail?: string;
}

export interface SnapshotCheck {
  fresh: boolean;
  changed: ChangedPart[];
}

/** Upper bounds on what a snapshot will hold; a part over its bound is refused, never truncated. */
export interface ContextLimits {
  /** Largest file a snapshot reads, in bytes. */
  maxFileBytes: number;
  /** Largest selection, in bytes. */
  maxSelectionBytes: number;
  /** Largest git diff (plus untracked names), in bytes. */
  maxDiffBytes: number;
  /** Longest a `` !`cmd` `` command may run before it is killed and the run refused, in milliseconds. */
  shellTimeoutMs: number;
  /** Most output kept from one command, in bytes; the rest is cut off and a marker says so. */
  maxShellOutputBytes: number;
}

/** About 250k tokens of code: more than a prompt should carry, small enough to hash on every run. */
export const DEFAULT_CONTEXT_LIMITS: ContextLimits = {
  maxFileBytes: 1024 * 1024,
  maxSelectionBytes: 1024 * 1024,
  maxDiffBytes: 2 * 1024 * 1024,
  // Shorter than Claude Code's 2-minute Bash timeout: these run before every lookup of a cached answer too.
  shellTimeoutMs: 10_000,
  maxShellOutputBytes: 256 * 1024,
};

/** Deduplicated and in canonical order, so equal read sets compare and hash equally. */
export function canonicalReads(reads: Iterable<ContextKind>): ContextKind[] {
  const wanted = new Set(reads);
  return CONTEXT_KINDS.filter((kind) => wanted.has(kind));
}
