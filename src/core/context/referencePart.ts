import { stat } from 'node:fs/promises';
import path from 'node:path';
import { checkFilePart, filePartId, isMissing, readFilePart } from './filePart';
import type { ChangedPart, ContextPart } from './snapshot';

/**
 * Files a workflow's text points at: `@src/a.ts` in a Claude Code command ("Include file contents in commands
 * using the @ prefix", https://code.claude.com/docs/en/slash-commands, "File references", seen 2026-12-06
 * through stored copies of the page) and a Markdown link to a workspace file in a VS Code prompt file
 * ("reference other workspace files by using Markdown links", relative to the prompt file,
 * https://code.visualstudio.com/docs/agent-customization/prompt-files, seen 2026-12-06). Each file read is a
 * part with its content hash, so an edit makes the next run a miss naming the file.
 *
 * A reference to nothing (no such file, or a folder) is not an error: both tools leave such text as written,
 * and `@` also starts things that are not paths (`@types/node`, an e-mail address). It gives no part, and
 * checkSnapshot looks again each time, so a file created later is noticed. A file that exists is read like the
 * file a workflow reads: inside the workspace with links followed (an OutsideWorkspaceError refuses the run),
 * at most maxFileBytes, UTF-8 text.
 */
export async function readReferenceParts(
  workspace: string,
  references: readonly string[],
  maxBytes: number,
): Promise<ContextPart[]> {
  const parts = await Promise.all(uniqueReferenceIds(workspace, references).map((id) => readReferencePart(workspace, id, maxBytes)));
  return parts.filter((part): part is ContextPart => part !== undefined);
}

/** The reference's key in a snapshot and in RenderContext.fileReferences: workspace-relative, `/` separators. */
export function referenceId(workspace: string, reference: string): string {
  return filePartId(workspace, reference);
}

export function uniqueReferenceIds(workspace: string, references: readonly string[]): string[] {
  return [...new Set(references.filter((reference) => reference.trim().length > 0).map((reference) => referenceId(workspace, reference)))];
}

async function readReferencePart(workspace: string, id: string, maxBytes: number): Promise<ContextPart | undefined> {
  if (!(await isRegularFile(workspace, id))) return undefined;
  try {
    return await readFilePart(workspace, id, maxBytes, 'reference');
  } catch (error) {
    // Deleted between the look and the read: as if it had never been there.
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/**
 * Whether the references a workflow makes now match the reference parts of a snapshot: each part's file is
 * unchanged (checkFilePart), no part is for a reference the workflow no longer makes, and no reference that
 * pointed at nothing now points at a file.
 */
export async function checkReferences(
  workspace: string,
  parts: readonly ContextPart[],
  wanted: readonly string[] | undefined,
): Promise<ChangedPart[]> {
  const changed: ChangedPart[] = [];
  const held = new Set(parts.map((part) => part.id));
  const wantedIds = wanted === undefined ? undefined : new Set(uniqueReferenceIds(workspace, wanted));
  const results = await Promise.all(
    parts.map(async (part): Promise<ChangedPart | undefined> => {
      if (wantedIds !== undefined && !wantedIds.has(part.id)) {
        return { id: part.id, kind: 'reference', reason: 'differs', detail: 'no longer referenced by the workflow' };
      }
      return checkFilePart(workspace, part);
    }),
  );
  for (const result of results) if (result) changed.push(result);
  for (const id of wantedIds ?? []) {
    if (held.has(id)) continue;
    if (await isRegularFile(workspace, id)) changed.push({ id, kind: 'reference', reason: 'differs', detail: 'now exists' });
  }
  return changed;
}

async function isRegularFile(workspace: string, id: string): Promise<boolean> {
  try {
    return (await stat(path.resolve(workspace, id))).isFile();
  } catch (error) {
    if (isMissing(error)) return false;
    // Unreadable for another reason (permissions): let the read report it properly.
    return true;
  }
}
