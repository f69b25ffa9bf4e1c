import path from 'node:path';
import { settingId } from '../config/configKeys';
import { modelFacts, resolveModel, type ResolvedModel } from '../models';
import { normalizeParams, type Workflow, type WorkflowParams } from '../workflows';
import type { RunRequest, RunSettings } from './runTypes';

/** What a run settles before its first lookup: the model, the request settings, the params and its target. */
export interface RunSetup {
  /** The model the run calls, as an id the API serves, and its deprecation, if any. */
  model: ResolvedModel;
  settings: RunSettings;
  params: WorkflowParams;
  /** What the run is about, for the context key: the file it reads, if any, relative to the workspace. */
  target: string;
}

/**
 * The settings as read at the start of the run (`requested`) applied to this workflow and request. A deprecated
 * model is told to `warn` as soon as it is known.
 */
export function runSetup(
  request: RunRequest,
  workspace: string,
  workflow: Workflow,
  requested: RunSettings,
  warn: (message: string) => void,
): RunSetup {
  // Names as people write them (`opus`, `Claude Sonnet 4.5 (copilot)`) become ids the API serves, before any call.
  const chosenBy = workflow.model ? `the model: line of ${workflow.filePath ?? `workflow ${workflow.name}`}` : `the ${settingId('model')} setting`;
  const model = resolveModel(workflow.model ?? requested.model, { today: new Date(), inherited: requested.model, chosenBy });
  if (model.deprecation) warn(model.deprecation.warning);
  const settings: RunSettings = {
    ...requested,
    maxTokens: effectiveMaxTokens(model.id, request.maxTokens ?? requested.maxTokens),
    providerCache: requested.providerCacheFor?.(workflow.name, model.id) ?? requested.providerCache,
  };
  const params = normalizeParams({
    args: request.params?.args ?? [],
    // The string as typed (the extension's box) is what `$ARGUMENTS` means; without it, the words joined by spaces.
    ...(request.params?.rawArguments !== undefined ? { rawArguments: request.params.rawArguments } : {}),
    inputs: request.params?.inputs ?? {},
  });
  const target = request.filePath ? path.relative(workspace, path.resolve(workspace, request.filePath)) : '';
  return { model, settings, params, target };
}

/**
 * The max_tokens a call sends: the setting (or a run's own override) capped at the model's max output, or, at 0,
 * the model's default, which leaves room for thinking plus the answer.
 */
function effectiveMaxTokens(model: string, requested: number): number {
  const facts = modelFacts(model);
  return requested > 0 ? Math.min(requested, facts.maxOutputTokens) : facts.defaultMaxTokens;
}
