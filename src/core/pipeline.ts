import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { describeStop } from './claude';
import { describeChangedPart } from './context';
import { silentLogger, type Logger } from './logger';
import { contextStep } from './run/contextStep';
import { explainAndRecordMiss, missExplanationKey, missExplanationRecord } from './run/missExplanation';
import { moduleStep } from './run/moduleStep';
import { resultStep } from './run/resultStep';
import { RunAccounting } from './run/runAccounting';
import type { RunScope } from './run/runScope';
import { runSetup } from './run/runSetup';
import type { PipelineDependencies, RunRequest, RunResult } from './run/runTypes';
import { valueContainsSecret } from './security/secretDetection';
import { TraceRecorder } from './trace';
import { findWorkflow, UnknownWorkflowError, type BoundPrompt, type Workflow } from './workflows';

export type {
  AnswerPrompt,
  CachedAnswer,
  ClaudeCompleter,
  LayerStep,
  PipelineDependencies,
  RunProgress,
  RunRequest,
  RunResult,
  RunSettings,
} from './run/runTypes';
export type { BoundPrompt };

/**
 * One workflow run through the four layers: prompt (template bound to params) -> context (snapshot of what it
 * reads, re-checked before use) -> modules (sub-prompt answers) -> result (the final answer). A cached answer is
 * never served after one of its inputs changed, because every input enters the result key. Each layer is a step
 * in `run/`; this class puts them in order and reports the run.
 */
export class WorkflowPipeline {
  private readonly logger: Logger;
  /** Warnings already logged, so a deprecated model is announced once per process, not on every run. */
  private readonly warned = new Set<string>();

  constructor(private readonly deps: PipelineDependencies) {
    this.logger = (deps.logger ?? silentLogger).child('pipeline');
  }

  async resolveWorkflow(workspace: string, name: string): Promise<Workflow> {
    const { workflows } = await this.deps.workflows(workspace);
    const workflow = findWorkflow(workflows, name);
    if (!workflow) throw new UnknownWorkflowError(name, workflows.map((candidate) => candidate.name));
    return workflow;
  }

  async run(request: RunRequest): Promise<RunResult> {
    const recorder = new TraceRecorder(Date.now());
    // Subscribed for this run only: the shared-tier reads of its keys go into its trace.
    const stop = this.deps.observer?.add(recorder);
    try {
      return await this.runRecorded(request, recorder);
    } finally {
      stop?.();
    }
  }

  private async runRecorded(request: RunRequest, recorder: TraceRecorder): Promise<RunResult> {
    const started = performance.now();
    const requested = this.deps.settings();
    const workspace = path.resolve(request.workspace);
    const workflow = await this.resolveWorkflow(workspace, request.workflow);
    const { model: resolvedModel, settings, params, target } = runSetup(request, workspace, workflow, requested, (message) => this.warnOnce(message));
    const model = resolvedModel.id;
    const run = new RunAccounting(this.deps.ledger, recorder, workflow.name, request.confirmOverBudget, request.onProgress);
    run.progress({ kind: 'checking-cache' });
    const scope: RunScope = { deps: this.deps, logger: this.logger, run };
    const allowSecrets = settings.secretsInSharedTiers === true;
    const shareable = (value: unknown): boolean => allowSecrets || !valueContainsSecret(value);

    const context = await contextStep(scope, { request, workspace, workflow, params, target, allowSecrets, shareable });
    const { bound, snapshot, changes, answerShareable } = context;
    const moduleAnswers = await moduleStep(scope, workflow, { snapshot, model, settings, signal: request.signal, sharedTiers: answerShareable });
    const { answer, computedHere, maxTokens, prefixHash } = await resultStep(scope, {
      request,
      workflow,
      model,
      settings,
      bound,
      snapshot,
      moduleAnswers,
      fileReferences: context.fileReferences,
      answerShareable,
    });

    // The run delivered its answer: only now do the hits it made count as money saved.
    run.settle();
    const inputs = missExplanationRecord({ model, maxTokens: settings.maxTokens, workflow, bound, params, snapshot });
    const missKey = missExplanationKey(workspace, workflow.name, target);
    const missReasons = await explainAndRecordMiss(this.deps.cache, missKey, inputs, changes, request.fresh, computedHere);
    const stopNote = describeStop(answer.stopReason, maxTokens, answer.stopDetails);
    const result: RunResult = {
      runId: randomUUID(),
      workflow: workflow.name,
      model,
      text: answer.text,
      cached: !computedHere,
      layer: computedHere ? null : 'result',
      usage: run.usage,
      costUsd: run.costUsd,
      savedUsd: run.savedUsd,
      upstreamCalls: run.upstreamCalls,
      missReasons,
      steps: run.steps,
      stopReason: answer.stopReason,
      ...(stopNote ? { stopNote } : {}),
      maxTokens,
      prefixHash,
      ...(resolvedModel.deprecation ? { modelWarning: resolvedModel.deprecation.warning } : {}),
    };
    result.trace = recorder.build({
      runId: result.runId,
      workflow: workflow.name,
      cached: result.cached,
      fresh: request.fresh === true,
      contextChanges: changes.map((change) => describeChangedPart(change)),
      missReasons,
      tierStatus: (tier) => this.deps.cache.tierStatus(tier),
    });
    this.logger.debug(
      `${workflow.name}: ${result.cached ? 'served from cache' : 'called Claude'}; ` +
        run.steps.map((step) => `${step.layer}${step.module ? `:${step.module}` : ''}=${step.source}`).join(' ') +
        (missReasons.length ? `; missed because ${missReasons.join('; ')}` : ''),
    );
    this.deps.observer?.runFinished?.(result);
    try {
      this.deps.onRunFinished?.(request, result, performance.now() - started);
    } catch (error) {
      this.logger.warn(`recording the run failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    return result;
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.logger.warn(message);
  }
}
