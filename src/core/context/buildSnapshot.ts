import { stat } from '../io/fileOps';
import path from 'node:path';
import { ContextRequestError, ContextTooLargeError } from './errors';
import { readFilePart } from './filePart';
import { readGitDiff } from './gitDiff';
import { combinePartHashes, sha256 } from './hash';
import { readReferenceParts } from './referencePart';
import { readShellParts } from './shellPart';
import type { ContextKind, ContextLimits, ContextPart, ContextSnapshot } from './snapshot';
import { DEFAULT_CONTEXT_LIMITS, GIT_DIFF_PART_ID, SELECTION_PART_ID, canonicalReads } from './snapshot';

export interface SnapshotRequest {
  /** The workspace folder; relative file paths and the git diff are taken from here. */
  workspace: string;
  /** What the workflow reads; only these are read. */
  reads: readonly ContextKind[];
  /** Required when reads has 'file': absolute, or relative to the workspace. */
  filePath?: string;
  /** Required when reads has 'selection': the selected text itself. */
  selection?: string;
  /** The workflow's `` !`cmd` `` commands, in order (Workflow.shellCommands); each output becomes a part. */
  shellCommands?: readonly string[];
  /** The workflow's `allowed-tools` (Workflow.allowedTools): its Bash rules decide which commands may run. */
  allowedTools?: readonly string[];
  /** Whether the workspace is trusted; commands run only when it is. Absent means not trusted. */
  trustedWorkspace?: boolean;
  /** Workspace files the workflow's text references (`@path`, Markdown links; Workflow.fileReferences). */
  fileReferences?: readonly string[];
  limits?: Partial<ContextLimits>;
}

/** Reads exactly what a workflow needs from its workspace and fingerprints each part. */
export async function buildSnapshot(request: SnapshotRequest): Promise<ContextSnapshot> {
  const workspace = path.resolve(request.workspace);
  await assertDirectory(workspace);
  const limits = { ...DEFAULT_CONTEXT_LIMITS, ...request.limits };
  // Commands first, and alone: a refused or failing command stops the run before any file is read, and a
  // command's view of the workspace is not raced by our own reads.
  const shellParts = await readShellParts(
    workspace,
    { shellCommands: request.shellCommands ?? [], allowedTools: request.allowedTools ?? [], trustedWorkspace: request.trustedWorkspace === true },
    limits,
  );
  const [namedParts, referenceParts] = await Promise.all([
    Promise.all(canonicalReads(request.reads).map((kind) => readPart(kind, workspace, request, limits))),
    readReferenceParts(workspace, request.fileReferences ?? [], limits.maxFileBytes),
  ]);
  const parts = [...namedParts, ...referenceParts, ...shellParts];
  return { workspace, parts, hash: combinePartHashes(parts) };
}

async function readPart(
  kind: ContextKind,
  workspace: string,
  request: SnapshotRequest,
  limits: ContextLimits,
): Promise<ContextPart> {
  switch (kind) {
    case 'selection': {
      if (request.selection === undefined) {
        throw new ContextRequestError('this workflow reads the selection, but no selection was given');
      }
      return selectionPart(request.selection, limits.maxSelectionBytes);
    }
    case 'file': {
      if (request.filePath === undefined || request.filePath.length === 0) {
        throw new ContextRequestError('this workflow reads a file, but no file was given');
      }
      return readFilePart(workspace, request.filePath, limits.maxFileBytes);
    }
    case 'gitDiff':
      return gitDiffPart(workspace, limits.maxDiffBytes);
  }
}

export function selectionPart(selection: string, maxBytes: number): ContextPart {
  const size = Buffer.byteLength(selection);
  if (size > maxBytes) throw new ContextTooLargeError(SELECTION_PART_ID, size, maxBytes);
  return { kind: 'selection', id: SELECTION_PART_ID, hash: sha256(selection), size, content: selection };
}

export async function gitDiffPart(workspace: string, maxBytes: number): Promise<ContextPart> {
  const content = await readGitDiff(workspace, maxBytes);
  return { kind: 'gitDiff', id: GIT_DIFF_PART_ID, hash: sha256(content), size: Buffer.byteLength(content), content };
}

async function assertDirectory(workspace: string): Promise<void> {
  let isDirectory = false;
  try {
    isDirectory = (await stat(workspace)).isDirectory();
  } catch {
    throw new ContextRequestError(`workspace folder not found: ${workspace}`);
  }
  if (!isDirectory) throw new ContextRequestError(`workspace is not a folder: ${workspace}`);
}
