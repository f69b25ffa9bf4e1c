import type { ClaudeRequest } from '../claude';
import { hashSubset, type ContextSnapshot } from '../context';
import { moduleKey, sha256Hex } from '../keys';
import { renderContextFromSnapshot, renderModule, type ModuleSpec, type Workflow } from '../workflows';
import { callClaude } from './claudeCall';
import { lookupWithFlight } from './lookupWithFlight';
import type { RunScope } from './runScope';
import type { RunSettings } from './runTypes';

/** What every module of one run is asked with. */
export interface ModuleStepInput {
  snapshot: ContextSnapshot;
  model: string;
  settings: RunSettings;
  signal: AbortSignal | undefined;
  /** Whether a module's answer may go to the shared tiers (not when the prompt or context holds a secret). */
  sharedTiers: (value: unknown) => boolean;
}

/**
 * L2 modules: each sub-prompt's answer (its notes, by module name), shared by every workflow that uses the module
 * on the same context. Run one after another, in the workflow's order.
 */
export async function moduleStep(scope: RunScope, workflow: Workflow, input: ModuleStepInput): Promise<Record<string, string>> {
  const moduleAnswers: Record<string, string> = {};
  for (const module of workflow.modules) {
    moduleAnswers[module.name] = await runModule(scope, module, input);
  }
  if (scope.run.incompleteModules.length > 0) {
    scope.logger.warn(`${workflow.name}: notes from ${scope.run.incompleteModules.join(', ')} were cut off; this run's answer is not cached`);
  }
  return moduleAnswers;
}

async function runModule(scope: RunScope, module: ModuleSpec, { snapshot, model, settings, signal, sharedTiers }: ModuleStepInput): Promise<string> {
  const { run } = scope;
  // The module's answer depends on what it reads and on the model and limits that produced it.
  const inputHash = sha256Hex(hashSubset(snapshot, module.reads), model, String(settings.maxTokens));
  const key = moduleKey(module.name, module.version, inputHash);
  const request: ClaudeRequest = {
    model,
    ...(module.system ? { system: module.system } : {}),
    prompt: renderModule(module, renderContextFromSnapshot(snapshot)),
    maxTokens: settings.maxTokens,
    providerCache: settings.providerCache,
  };
  const call = () => callClaude(scope, request, undefined, signal, module.name);
  const { answer, source, uncached } = await lookupWithFlight(scope.deps, 'module', key, call, sharedTiers);
  // A module cut off (or refused) still gives the final prompt what it has, but nothing built on it is stored.
  if (uncached) run.incompleteModules.push(module.name);
  if (source !== 'compute') run.avoided(answer.costUsd);
  run.step({ layer: 'module', key, source, module: module.name });
  return answer.text;
}
