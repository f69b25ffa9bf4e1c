import { isCacheableStop, replayText, type ClaudeRequest } from '../claude';
import type { ContextSnapshot } from '../context';
import { resultInputHash, resultKey, sha256Hex } from '../keys';
import type { LookupStatus } from '../tiered/tierTypes';
import { UncachedAnswer } from '../uncachedAnswer';
import { fillContext, renderContextFromSnapshot, type BoundPrompt, type Workflow } from '../workflows';
import { callClaude } from './claudeCall';
import { documentBlocks } from './documentBlocks';
import { lookupWithFlight, type FlightLookup } from './lookupWithFlight';
import type { RunScope } from './runScope';
import type { CachedAnswer, RunRequest, RunSettings } from './runTypes';

/** What the result layer is asked with: everything that shapes the answer. */
export interface ResultStepInput {
  request: RunRequest;
  workflow: Workflow;
  model: string;
  settings: RunSettings;
  bound: BoundPrompt;
  snapshot: ContextSnapshot;
  moduleAnswers: Record<string, string>;
  fileReferences: readonly string[];
  /** Whether the answer may go to the shared tiers (not when the prompt or context holds a secret). */
  answerShareable: (value: unknown) => boolean;
}

export interface ResultStepOutcome {
  answer: CachedAnswer;
  /** This run paid Claude for the answer (false for a cached answer or one shared with a concurrent run). */
  computedHere: boolean;
  /** The cap on thinking plus answer tokens the call used (or would have used). */
  maxTokens: number;
  /** Hash of the prefix the call offered Anthropic's prompt cache (RunResult.prefixHash). */
  prefixHash: string;
}

/**
 * L4 result: the final answer, keyed by everything that shapes it. The documents go first as blocks that
 * Anthropic's prompt cache can hold; the prompt refers to them. A cached (or joined) answer is replayed to onText.
 */
export async function resultStep(scope: RunScope, input: ResultStepInput): Promise<ResultStepOutcome> {
  const { deps, run } = scope;
  const { request, workflow, model, settings, bound, snapshot, moduleAnswers, fileReferences, answerShareable } = input;
  const documents = documentBlocks(snapshot, moduleAnswers);
  const contextBlocks = documents.map((document) => document.text);
  const prompt = fillContext(bound, { ...renderContextFromSnapshot(snapshot, moduleAnswers, fileReferences), documentsAbove: true });
  const inputHash = resultInputHash({
    model,
    system: workflow.system ?? '',
    prompt: [...contextBlocks, prompt].join('\u0000'),
    contextHash: snapshot.hash,
    maxTokens: settings.maxTokens,
    workflowVersion: workflow.version,
  });
  const key = resultKey(workflow.name, inputHash);
  const claudeRequest: ClaudeRequest = {
    model,
    modelSource: workflow.model && workflow.filePath ? `the model: line of ${workflow.filePath}` : 'the claudeCache.model setting',
    ...(workflow.system ? { system: workflow.system } : {}),
    contextBlocks,
    // Documents that will not be sent again (a selection) get no provider-cache breakpoint: writing them costs more.
    cacheableBlocks: documents.filter((document) => document.repeats).length,
    prompt,
    maxTokens: settings.maxTokens,
    providerCache: settings.providerCache,
  };
  // An answer built on cut-off notes is not whole either: shown, never stored.
  const call = async () => {
    const computed = await callClaude(scope, claudeRequest, request.onText, request.signal);
    if (run.incompleteModules.length > 0 && isCacheableStop(computed.stopReason)) throw new UncachedAnswer(computed);
    return computed;
  };

  const { answer, source } = request.fresh
    ? await replaceAnswer(scope, key, call, answerShareable)
    : await lookupWithFlight(deps, 'result', key, call, answerShareable);
  run.step({ layer: 'result', key, source });
  deps.onAnswer?.({
    workflow: workflow.name,
    key,
    prompt: [prompt, ...contextBlocks].join('\n'),
    cached: source !== 'compute',
    shareable: answerShareable(answer),
  });
  const computedHere = source === 'compute';
  if (!computedHere) {
    // Cached, or shared with a concurrent identical run: either way this run paid nothing for it.
    run.avoided(answer.costUsd);
    await replayText(answer.text, request.onText ?? (() => undefined), {
      signal: request.signal,
      ...(request.replayWhole ? { chunkChars: Math.max(1, answer.text.length) } : {}),
    });
  }
  return {
    answer,
    computedHere,
    maxTokens: claudeRequest.maxTokens,
    prefixHash: sha256Hex(model, workflow.system ?? '', ...documents.filter((document) => document.repeats).map((document) => document.text)),
  };
}

/** A fresh run: Claude is called whatever the cache holds, and its whole answer replaces the cached one. */
async function replaceAnswer(
  { deps }: RunScope,
  key: string,
  call: () => Promise<CachedAnswer>,
  answerShareable: (value: unknown) => boolean,
): Promise<FlightLookup> {
  const status: LookupStatus = { source: 'compute' };
  try {
    const answer = await call();
    await deps.cache.set('result', key, answer, { status, sharedTiers: answerShareable(answer) });
    return { answer, source: status.source ?? 'compute', uncached: false };
  } catch (error) {
    // A cut-off answer or a refusal reaches the user as it is, and never the cache.
    if (!(error instanceof UncachedAnswer)) throw error;
    return { answer: error.answer, source: 'compute', uncached: true };
  }
}
