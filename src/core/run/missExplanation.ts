import { describeChangedPart, type ChangedPart, type ContextSnapshot } from '../context';
import { contextKey, sha256Hex, stableStringify } from '../keys';
import { checkRunManifest, type StoredRunManifest } from '../tiered/layerValueSchemas';
import type { TieredCache } from '../tiered/tieredCache';
import type { BoundPrompt, Workflow, WorkflowParams } from '../workflows';

/**
 * The inputs of the last run of a workflow on a target that paid for its answer, kept to explain the next miss.
 * Hashes only: the record goes to the shared tiers even when an argument holds a secret.
 */
export type MissExplanationRecord = StoredRunManifest;

/**
 * Where a workflow's record lives: the context layer, under its own context key with `#inputs` after the target.
 * That layer's value check (layerValueSchemas) and the stored entries of earlier versions know it by this key.
 */
export function missExplanationKey(workspace: string, workflow: string, target: string): string {
  return contextKey(workspace, `${workflow}@${target}#inputs`);
}

/** This run's record, as the next miss compares it. */
export function missExplanationRecord(run: {
  model: string;
  maxTokens: number;
  workflow: Workflow;
  bound: BoundPrompt;
  params: WorkflowParams;
  snapshot: ContextSnapshot;
}): MissExplanationRecord {
  return {
    model: run.model,
    maxTokens: run.maxTokens,
    workflowVersion: run.workflow.version,
    systemHash: sha256Hex(run.workflow.system ?? ''),
    promptHash: sha256Hex(run.bound.segments.map((segment) => JSON.stringify(segment)).join('')),
    paramsHash: sha256Hex(stableStringify(run.params)),
    parts: Object.fromEntries(run.snapshot.parts.map((part) => [part.id, part.hash])),
  };
}

/**
 * Why a run had to call Claude, and the record it leaves for the next one. Only a computed answer changes what
 * the next miss is compared with; a hit explains nothing and leaves the record as it was.
 */
export async function explainAndRecordMiss(
  cache: TieredCache,
  key: string,
  current: MissExplanationRecord,
  changes: readonly ChangedPart[],
  fresh: boolean | undefined,
  computedHere: boolean,
): Promise<string[]> {
  if (!computedHere) return [];
  const reasons = await explainMiss(cache, key, current, changes, fresh);
  await cache.set('context', key, current).catch(() => false);
  return reasons;
}

/** Compares this run's inputs with the last run's, to say why the cached answer could not be used. */
async function explainMiss(
  cache: TieredCache,
  key: string,
  current: MissExplanationRecord,
  changes: readonly ChangedPart[],
  fresh: boolean | undefined,
): Promise<string[]> {
  if (fresh) return ['a fresh answer was asked for'];
  const reasons = changes.map((change) => describeChangedPart(change));
  const previous = (await cache.get<MissExplanationRecord>('context', key, { uncounted: true, shape: checkRunManifest }).catch(() => undefined))?.value;
  if (!previous) return reasons;
  const compare = (label: string, before: unknown, after: unknown) => {
    if (JSON.stringify(before) !== JSON.stringify(after)) reasons.push(`${label} changed (${String(before)} -> ${String(after)})`);
  };
  compare('model', previous.model, current.model);
  compare('max tokens', previous.maxTokens, current.maxTokens);
  if (previous.workflowVersion !== current.workflowVersion) reasons.push('the workflow definition changed');
  if (previous.systemHash !== current.systemHash) reasons.push('the system prompt changed');
  if (previous.paramsHash !== current.paramsHash) reasons.push('the arguments changed');
  if (reasons.length === 0) {
    for (const [id, hash] of Object.entries(current.parts)) {
      if (previous.parts[id] !== undefined && previous.parts[id] !== hash) reasons.push(`${id} changed`);
      if (previous.parts[id] === undefined) reasons.push(`${id} is new to this run`);
    }
  }
  if (reasons.length === 0) reasons.push('the cached answer expired or was invalidated');
  return reasons;
}
