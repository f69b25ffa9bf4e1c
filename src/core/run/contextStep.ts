import { assertShellCommandsMayRun, buildSnapshot, checkSnapshot, type ChangedPart, type ContextSnapshot } from '../context';
import { contextKey, promptKey, sha256Hex, stableStringify } from '../keys';
import { checkContextSnapshot } from '../tiered/layerValueSchemas';
import { bindParams, fileReferencesOf, shellCommandsOf, type BoundPrompt, type Workflow, type WorkflowParams } from '../workflows';
import { lookupLayer, rebuildLayer } from './layerLookup';
import type { RunScope } from './runScope';
import type { RunRequest } from './runTypes';

/** What the prompt and context layers give the rest of a run. */
export interface RunContext {
  bound: BoundPrompt;
  snapshot: ContextSnapshot;
  /** The parts of a cached snapshot that no longer matched the workspace (it was rebuilt): why the run missed. */
  changes: ChangedPart[];
  /** The files the bound prompt references (`@file`), rendered into the prompt. */
  fileReferences: string[];
  /** Whether a value built on this prompt and context may go to the shared tiers: never when either holds a secret. */
  answerShareable: (value: unknown) => boolean;
}

export interface ContextStepInput {
  request: RunRequest;
  /** The resolved workspace folder. */
  workspace: string;
  workflow: Workflow;
  params: WorkflowParams;
  /** The file the run is about, relative to the workspace ('' when none). */
  target: string;
  /** Secrets may go to the shared tiers (the secretsInSharedTiers setting). */
  allowSecrets: boolean;
  /** Whether one value may go to the shared tiers. */
  shareable: (value: unknown) => boolean;
}

/**
 * L1 prompt (the template bound to the params), then L3 context: a snapshot of what the workflow reads, re-checked
 * against the workspace before use. The workflow's `!` commands are refused in between, before any of them runs.
 */
export async function contextStep(scope: RunScope, input: ContextStepInput): Promise<RunContext> {
  const { request, workspace, workflow, params, target, allowSecrets, shareable } = input;
  const boundKey = promptKey(workflow.name, { version: workflow.version, params });
  const bound = await lookupLayer(scope, 'prompt', boundKey, () => bindParams(workflow, params), { sharedTiers: shareable });

  const changes: ChangedPart[] = [];
  // What the bound prompt runs and references (arguments substituted), and whether it may: refused here, before
  // any lookup or call, when the workspace is untrusted or allowed-tools does not allow a command.
  const shellCommands = shellCommandsOf(bound);
  const fileReferences = fileReferencesOf(bound);
  const trustedWorkspace = request.trustedWorkspace === true;
  assertShellCommandsMayRun({ shellCommands, allowedTools: workflow.allowedTools, trustedWorkspace });
  const commandsAndReferences = { shellCommands, fileReferences, allowedTools: workflow.allowedTools, trustedWorkspace };
  // Commands with arguments in them differ per run: each set keeps its own snapshot rather than evicting another's.
  const extraReads = shellCommands.length + fileReferences.length > 0 ? `#${sha256Hex(stableStringify([shellCommands, fileReferences]))}` : '';
  const snapshotKey = contextKey(workspace, `${workflow.name}@${target}${extraReads}`);
  const readSnapshot = () =>
    buildSnapshot({ workspace, reads: workflow.reads, filePath: request.filePath, selection: request.selection, ...commandsAndReferences });
  // A fresh run reads its context from disk: reusing the cached snapshot would send what the files held before.
  const snapshot = request.fresh
    ? await rebuildLayer(scope, 'context', snapshotKey, readSnapshot, shareable)
    : await lookupLayer(scope, 'context', snapshotKey, readSnapshot, {
        validate: async (cached: ContextSnapshot) => {
          const check = await checkSnapshot(cached, { selection: request.selection, filePath: request.filePath, ...commandsAndReferences });
          changes.push(...check.changed);
          return check.fresh;
        },
        sharedTiers: shareable,
        shape: checkContextSnapshot,
      });
  // Everything built on a prompt or context that holds a secret (module answers, the result) is kept private.
  const runShareable = allowSecrets || (shareable(bound) && shareable(snapshot));
  const answerShareable = (value: unknown): boolean => runShareable && shareable(value);
  return { bound, snapshot, changes, fileReferences, answerShareable };
}
