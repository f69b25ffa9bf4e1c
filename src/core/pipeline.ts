import { randomUUID } from 'node:crypto';
import type { RefusalStopDetails } from '@anthropic-ai/sdk/resources/messages';
import path from 'node:path';
import {
  describeStop,
  isCacheableStop,
  replayText,
  type ClaudeRequest,
  type ClaudeResponse,
  type CompleteOptions,
  type ProviderCacheTtl,
  type Usage,
} from './claude';
import { settingId } from './config/configKeys';
import { modelFacts, resolveModel } from './models';
import { checkContextSnapshot, checkRunManifest, type StoredRunManifest } from './tiered/layerValueSchemas';
import { UncachedAnswer } from './uncachedAnswer';
import { assertShellCommandsMayRun, buildSnapshot, checkSnapshot, describeChangedPart, hashSubset, type ChangedPart, type ContextSnapshot } from './context';
import type { BudgetReservation, CostLedger, Dollars, RecordedCall } from './cost';
import type { SharedFlight } from './flight';
import { hasBudget, reserveWithinBudget, worstCaseUsage, type BudgetCaps, type BudgetExceededError } from './budget';
import type { Layer, Tier } from './layers';
import { contextKey, moduleKey, promptKey, resultInputHash, resultKey, sha256Hex, stableStringify } from './keys';
import { silentLogger, type Logger } from './logger';
import type { ObserverSet } from './observe/observerSet';
import { TraceRecorder, type LookupTrace } from './trace';
import { valueContainsSecret } from './security/secretDetection';
import type { LookupStatus, ValueShapeCheck } from './tiered/tierTypes';
import type { TieredCache } from './tiered/tieredCache';
import {
  bindParams,
  fileBlock,
  fileReferencesOf,
  shellCommandsOf,
  fillContext,
  findWorkflow,
  normalizeParams,
  renderContextFromSnapshot,
  renderModule,
  UnknownWorkflowError,
  type BoundPrompt,
  type DiscoveredWorkflows,
  type ModuleSpec,
  type Workflow,
  type WorkflowParams,
} from './workflows';

/** Anything that answers a Claude request by streaming; the real one is ClaudeClient. */
export interface ClaudeCompleter {
  complete(request: ClaudeRequest, options?: CompleteOptions): Promise<ClaudeResponse>;
}

/** The request settings a run uses; read at the start of every run, so settings apply live. */
export interface RunSettings {
  model: string;
  /** Cap on thinking plus answer tokens; 0 means the model's own default. */
  maxTokens: number;
  providerCache: ProviderCacheTtl;
  /** For `providerCache: auto`: the TTL a workflow's calls ask for on a model; overrides `providerCache`. */
  providerCacheFor?: (workflow: string, model: string) => ProviderCacheTtl;
  /**
   * Whether a run whose prompt or context holds a likely secret may be cached in Redis and SurrealDB; when not
   * (the default) its entries stay in this process's memory.
   */
  secretsInSharedTiers?: boolean;
  /** Dollar caps per local day (claudeCache.budget.*); none when absent or both 0. */
  budget?: BudgetCaps;
}

export interface PipelineDependencies {
  cache: TieredCache;
  ledger: CostLedger;
  /** Throws (ClaudeAuthenticationError) when no key is set; called only on a miss that needs Claude. */
  claude: () => ClaudeCompleter;
  settings: () => RunSettings;
  /** The workflows of a workspace (built-ins and files); adapters may memoize it behind file watchers. */
  workflows: (workspace: string) => Promise<DiscoveredWorkflows>;
  logger?: Logger;
  /** Told of every Claude call (with its latency) and every finished run; traces subscribe to it during a run. */
  observer?: ObserverSet;
  /** Single-flight across instances sharing Redis: a miss another instance is already paying for is waited for. */
  flight?: SharedFlight;
  /** Told about every finished run (the usage log); a listener that throws does not fail the run. */
  onRunFinished?: (request: RunRequest, result: RunResult, durationMs: number) => void;
  /** Told about every run's result-layer answer with the prompt text behind it (the similar-answer index). */
  onAnswer?: (entry: AnswerPrompt) => void;
}

/** A result-layer answer and the rendered prompt (with its documents) that produced it. */
export interface AnswerPrompt {
  workflow: string;
  key: string;
  prompt: string;
  /** False when this run computed (and stored) the answer. */
  cached: boolean;
  /** Whether the answer may live in the shared tiers (no likely secret, or secrets allowed there). */
  shareable: boolean;
}

export interface RunRequest {
  /** A workflow name: a built-in (`review-file`) or a file's (`frontend:lint`). */
  workflow: string;
  /** The workspace folder the workflow reads from. */
  workspace: string;
  params?: Partial<WorkflowParams>;
  /** The editor's current file (absolute or workspace-relative), for workflows that read a file. */
  filePath?: string;
  /** The editor's current selection, for workflows that read one. */
  selection?: string;
  /** Skip the result layer's cached answer, re-read the context from disk and call Claude (the new answer replaces it). */
  fresh?: boolean;
  /** This run's cap on thinking plus answer tokens, over the setting (Run with More Tokens after a cut-off). */
  maxTokens?: number;
  /** Receives the answer as it arrives; a cached answer is replayed through it too. */
  onText?: (chunk: string) => void;
  /**
   * Hand a cached answer to onText in one piece rather than in small chunks with a pause between them (which lets a
   * view show it streaming in): a program writing to a pipe gains nothing from chunks, and each costs a write.
   */
  replayWhole?: boolean;
  /** Told what the run is doing, so a progress display can say it truthfully (and what it has spent so far). */
  onProgress?: (event: RunProgress) => void;
  signal?: AbortSignal;
  /** `prewarm` for a run prewarming makes, so the usage log can tell it from one someone asked for. */
  origin?: 'prewarm';
  /**
   * Asked when a Claude call of this run could pass a budget cap: true runs it anyway (and the rest of the run
   * without asking again). Absent, the run fails with BudgetExceededError.
   */
  confirmOverBudget?: (problem: BudgetExceededError) => boolean | Promise<boolean>;
  /**
   * The workspace is trusted (VS Code: vscode.workspace.isTrusted; CLI: --trust-workspace or
   * CLAUDE_CACHE_TRUST_WORKSPACE=1). A workflow's `!` commands run only when true; absent is untrusted.
   */
  trustedWorkspace?: boolean;
}

/** A step of a run, as a progress display shows it. */
export type RunProgress =
  | { kind: 'checking-cache' }
  /** A Claude call starts: for a module's notes (`module` set) or for the answer itself. */
  | { kind: 'calling-claude'; module?: string; model: string }
  /** A Claude call was paid for; `spentUsd` is the run's total so far. */
  | { kind: 'spent'; spentUsd: Dollars };

/** What happened in one layer during a run. */
export interface LayerStep {
  layer: Layer;
  key: string;
  /** The tier that answered, `compute` when built or paid for now, `joined` when a concurrent run's was shared. */
  source: Tier | 'compute' | 'joined';
  /** For modules: which module. */
  module?: string;
}

export interface RunResult {
  runId: string;
  workflow: string;
  model: string;
  text: string;
  /** True when the final answer came from the cache (no Claude call for it). */
  cached: boolean;
  /** The layer that answered: `result` for a cached answer, null when Claude was called for it. */
  layer: Layer | null;
  /** Tokens of the Claude calls this run made (final answer and modules); null when it made none. */
  usage: Usage | null;
  /** Dollars this run spent; 'unknown' when a model has no price. */
  costUsd: Dollars;
  /** Dollars this run did not spend thanks to local hits, plus provider-cache savings on its own calls. */
  savedUsd: number;
  upstreamCalls: number;
  /** For a run that had to call Claude although it ran before: what changed since. Empty otherwise. */
  missReasons: string[];
  steps: LayerStep[];
  /** Why the answer ended: `end_turn` / `stop_sequence` (whole), `max_tokens`, `refusal`, … (never cached). */
  stopReason: string | null;
  /** For an answer that is not whole, or a refusal: one line saying so. Absent for a whole answer. */
  stopNote?: string;
  /** The cap on thinking plus answer tokens the final call used (what a `max_tokens` stop ran into). */
  maxTokens?: number;
  /** The model is deprecated: when it retires and what replaces it. */
  modelWarning?: string;
  /**
   * Hash of the prefix the final call offered Anthropic's prompt cache (system prompt and the documents that repeat,
   * in order), so `providerCache: auto` can tell calls that could have read a cached prefix from calls that could not.
   */
  prefixHash?: string;
  /** Each lookup of the run: layer, tiers asked, hit or miss, why, latency. */
  trace?: LookupTrace;
}

/** What the result and module layers store: an answer and what it cost to get. */
export interface CachedAnswer {
  text: string;
  model: string;
  /** Always `end_turn` or `stop_sequence` for a stored entry; other stops travel in UncachedAnswer. */
  stopReason: string | null;
  /** A refusal's category and explanation, as the API gave them. */
  stopDetails?: RefusalStopDetails | null;
  usage: Usage;
  costUsd: Dollars;
  createdAt: number;
}

/** The inputs of the last run of a workflow on a target, kept to explain the next miss. */
type RunManifest = StoredRunManifest;

/**
 * One workflow run through the four layers: prompt (template bound to params) -> context (snapshot of what it
 * reads, re-checked before use) -> modules (sub-prompt answers) -> result (the final answer). A cached answer is
 * never served after one of its inputs changed, because every input enters the result key.
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
    // Names as people write them (`opus`, `Claude Sonnet 4.5 (copilot)`) become ids the API serves, before any call.
    const chosenBy = workflow.model
      ? `the model: line of ${workflow.filePath ?? `workflow ${workflow.name}`}`
      : `the ${settingId('model')} setting`;
    const resolvedModel = resolveModel(workflow.model ?? requested.model, { today: new Date(), inherited: requested.model, chosenBy });
    const model = resolvedModel.id;
    if (resolvedModel.deprecation) this.warnOnce(resolvedModel.deprecation.warning);
    const settings: RunSettings = {
      ...requested,
      maxTokens: effectiveMaxTokens(model, request.maxTokens ?? requested.maxTokens),
      providerCache: requested.providerCacheFor?.(workflow.name, model) ?? requested.providerCache,
    };
    const params = normalizeParams({
      args: request.params?.args ?? [],
      // The string as typed (the extension's box) is what `$ARGUMENTS` means; without it, the words joined by spaces.
      ...(request.params?.rawArguments !== undefined ? { rawArguments: request.params.rawArguments } : {}),
      inputs: request.params?.inputs ?? {},
    });
    const run = new RunAccounting(this.deps.ledger, recorder, workflow.name, request.confirmOverBudget, request.onProgress);
    run.progress({ kind: 'checking-cache' });
    // What the run is about, for the context key: the file it reads, if any, relative to the workspace.
    const target = request.filePath ? path.relative(workspace, path.resolve(workspace, request.filePath)) : '';
    const allowSecrets = settings.secretsInSharedTiers === true;
    const shareable = (value: unknown): boolean => allowSecrets || !valueContainsSecret(value);

    // L1 prompt: the template bound to the params.
    const bound = await this.lookup(
      run,
      'prompt',
      promptKey(workflow.name, { version: workflow.version, params }),
      () => bindParams(workflow, params),
      undefined,
      shareable,
    );

    // L3 context: what the workflow reads, re-checked against the workspace before use.
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
      ? await this.rebuild(run, 'context', snapshotKey, readSnapshot, shareable)
      : await this.lookup(
          run,
          'context',
          snapshotKey,
          readSnapshot,
          async (cached: ContextSnapshot) => {
            const check = await checkSnapshot(cached, { selection: request.selection, filePath: request.filePath, ...commandsAndReferences });
            changes.push(...check.changed);
            return check.fresh;
          },
          shareable,
          checkContextSnapshot,
        );
    // Everything built on a prompt or context that holds a secret (module answers, the result) is kept private.
    const runShareable = allowSecrets || (shareable(bound) && shareable(snapshot));
    const answerShareable = (value: unknown): boolean => runShareable && shareable(value);

    // L2 modules: each sub-prompt's answer, shared by every workflow that uses the module on the same context.
    const moduleAnswers: Record<string, string> = {};
    for (const module of workflow.modules) {
      moduleAnswers[module.name] = await this.runModule(run, module, snapshot, model, settings, request.signal, answerShareable);
    }
    if (run.incompleteModules.length > 0) {
      this.logger.warn(`${workflow.name}: notes from ${run.incompleteModules.join(', ')} were cut off; this run's answer is not cached`);
    }

    // L4 result: the final answer, keyed by everything that shapes it. The documents go first as blocks that
    // Anthropic's prompt cache can hold; the prompt refers to them.
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
    const manifestKey = contextKey(workspace, `${workflow.name}@${target}#inputs`);
    const manifest: RunManifest = {
      model,
      maxTokens: settings.maxTokens,
      workflowVersion: workflow.version,
      systemHash: sha256Hex(workflow.system ?? ''),
      promptHash: sha256Hex(bound.segments.map((segment) => JSON.stringify(segment)).join('')),
      paramsHash: sha256Hex(stableStringify(params)),
      parts: Object.fromEntries(snapshot.parts.map((part) => [part.id, part.hash])),
    };
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
    const callClaude = async () => {
      const computed = await this.callClaude(run, claudeRequest, request.onText, request.signal);
      if (run.incompleteModules.length > 0 && isCacheableStop(computed.stopReason)) throw new UncachedAnswer(computed);
      return computed;
    };
    const sharedResult = { joined: false, stored: false };

    let answer: CachedAnswer;
    let uncached = false;
    const status: LookupStatus = {};
    try {
      if (request.fresh) {
        status.source = 'compute';
        answer = await callClaude();
        await this.deps.cache.set('result', key, answer, { status, sharedTiers: answerShareable(answer) });
      } else {
        const compute = this.sharedAcrossInstances('result', key, callClaude, answerShareable, sharedResult);
        answer = await this.deps.cache.getOrCompute('result', key, compute, {
          status,
          sharedTiers: answerShareable,
          storedByCompute: () => sharedResult.stored,
        });
      }
    } catch (error) {
      // A cut-off answer or a refusal reaches the user as it is, and never the cache.
      if (!(error instanceof UncachedAnswer)) throw error;
      answer = error.answer;
      uncached = true;
      status.source = 'compute';
    }
    const source = sharedResult.joined && status.source === 'compute' && !uncached ? 'joined' : (status.source ?? 'compute');
    run.step({ layer: 'result', key, source });
    this.deps.onAnswer?.({
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

    // The run delivered its answer: only now do the hits it made count as money saved.
    run.settle();
    const missReasons = computedHere ? await this.explainMiss(manifestKey, manifest, changes, request.fresh) : [];
    // Only a computed answer changes what the next miss is compared with; a hit leaves the manifest as it was.
    if (computedHere) await this.deps.cache.set('context', manifestKey, manifest).catch(() => false);
    const stopNote = describeStop(answer.stopReason, claudeRequest.maxTokens, answer.stopDetails);
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
      maxTokens: claudeRequest.maxTokens,
      prefixHash: sha256Hex(model, workflow.system ?? '', ...documents.filter((document) => document.repeats).map((document) => document.text)),
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

  /** Builds a layer's value anew and stores it in place of whatever was cached (a fresh run). */
  private async rebuild<T>(
    run: RunAccounting,
    layer: Layer,
    key: string,
    compute: () => T | Promise<T>,
    sharedTiers: (value: T) => boolean,
  ): Promise<T> {
    const value = await compute();
    await this.deps.cache.set(layer, key, value, { sharedTiers: sharedTiers(value) }).catch(() => false);
    run.step({ layer, key, source: 'compute' });
    return value;
  }

  private async lookup<T>(
    run: RunAccounting,
    layer: Layer,
    key: string,
    compute: () => T | Promise<T>,
    validate?: (value: T) => Promise<boolean>,
    sharedTiers?: (value: T) => boolean,
    shape?: ValueShapeCheck,
  ): Promise<T> {
    const status: LookupStatus = {};
    const value = await this.deps.cache.getOrCompute(layer, key, compute, {
      status,
      ...(validate ? { validate } : {}),
      ...(sharedTiers ? { sharedTiers } : {}),
      ...(shape ? { shape } : {}),
    });
    run.step({ layer, key, source: status.source ?? 'compute' });
    return value;
  }

  private async runModule(
    run: RunAccounting,
    module: ModuleSpec,
    snapshot: ContextSnapshot,
    model: string,
    settings: RunSettings,
    signal: AbortSignal | undefined,
    sharedTiers: (value: unknown) => boolean,
  ): Promise<string> {
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
    const status: LookupStatus = {};
    const shared = { joined: false, stored: false };
    const call = () => this.callClaude(run, request, undefined, signal, module.name);
    let answer: CachedAnswer;
    try {
      answer = await this.deps.cache.getOrCompute('module', key, this.sharedAcrossInstances('module', key, call, sharedTiers, shared), {
        status,
        sharedTiers,
        storedByCompute: () => shared.stored,
      });
    } catch (error) {
      if (!(error instanceof UncachedAnswer)) throw error;
      // A module cut off (or refused) still gives the final prompt what it has, but nothing built on it is stored.
      answer = error.answer;
      status.source = 'compute';
      run.incompleteModules.push(module.name);
    }
    const source = shared.joined && status.source === 'compute' ? 'joined' : (status.source ?? 'compute');
    if (source !== 'compute') run.avoided(answer.costUsd);
    run.step({ layer: 'module', key, source, module: module.name });
    return answer.text;
  }

  /**
   * Wraps a Claude call so that instances sharing Redis pay for one entry once: the lock holder calls Claude and
   * puts the answer in Redis before it lets go (also in write-behind mode); the others read it there and mark
   * `joined`. Without a flight (no Redis) the call is returned as it is.
   */
  private sharedAcrossInstances(
    layer: 'result' | 'module',
    key: string,
    call: () => Promise<CachedAnswer>,
    shareable: (value: unknown) => boolean,
    outcome: { joined: boolean; stored: boolean },
  ): () => Promise<CachedAnswer> {
    const flight = this.deps.flight;
    if (!flight) return call;
    const cache = this.deps.cache;
    return async () => {
      const shared = await flight.run<CachedAnswer>(layer, key, {
        compute: call,
        read: async () => (await cache.get<CachedAnswer>(layer, key, { uncounted: true }))?.value,
        share: async (value) => {
          if (!shareable(value)) return false;
          // Stored here, before the lock goes; the cache must not write (nor refuse) the same answer again.
          outcome.stored = true;
          return cache.set(layer, key, value, { sharedTiers: true, writeThrough: true });
        },
      });
      outcome.joined = shared.joined;
      // A joiner's read promoted the answer into this process's memory already.
      if (shared.joined) outcome.stored = true;
      return shared.value;
    };
  }

  /**
   * Refuses (or asks about) a call whose worst-case cost could take today's spend past a cap, and reserves that
   * worst case in the shared ledger when it fits: spend booked and reserved by every window and CLI run counts,
   * in one atomic step, so runs starting together cannot all take the same room. Returns the reservation, for
   * the caller to release once the real cost is booked or the call failed.
   */
  private async enforceBudget(run: RunAccounting, request: ClaudeRequest): Promise<BudgetReservation | undefined> {
    const caps = this.deps.settings().budget;
    if (!hasBudget(caps)) return undefined;
    const claim = { caps, workflow: run.workflow, model: request.model, estimateUsd: this.deps.ledger.costOf(request.model, worstCaseUsage(request)) };
    const { reservation, problem } = await reserveWithinBudget(this.deps.ledger, { ...claim, force: run.overBudgetApproved });
    if (!problem) return reservation;
    if (run.confirmOverBudget && (await run.confirmOverBudget(problem))) {
      this.logger.info(`${run.workflow}: over budget, run anyway as asked (${problem.message})`);
      run.overBudgetApproved = true;
      return (await reserveWithinBudget(this.deps.ledger, { ...claim, force: true })).reservation;
    }
    throw problem;
  }

  private async callClaude(
    run: RunAccounting,
    request: ClaudeRequest,
    onText: ((chunk: string) => void) | undefined,
    signal: AbortSignal | undefined,
    module?: string,
  ): Promise<CachedAnswer> {
    const client = this.deps.claude();
    const reservation = await this.enforceBudget(run, request);
    run.progress({ kind: 'calling-claude', model: request.model, ...(module ? { module } : {}) });
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    let response: ClaudeResponse;
    try {
      response = await client.complete(request, { ...(onText ? { onText } : {}), ...(signal ? { signal } : {}) });
    } catch (error) {
      if (reservation) this.deps.ledger.release(reservation);
      this.deps.observer?.upstreamCall?.({ model: request.model, seconds: seconds(), outcome: 'error', costUsd: 0, providerCacheSavingUsd: 0 });
      throw error;
    }
    const call = run.paid(response.model || request.model, response.usage);
    // Booked just above: the reservation goes in the same save or the next, never before the real cost.
    if (reservation) this.deps.ledger.release(reservation);
    const recorded = call.costUsd;
    this.deps.observer?.upstreamCall?.({
      model: response.model || request.model,
      seconds: seconds(),
      outcome: 'ok',
      costUsd: call.costUsd,
      providerCacheSavingUsd: call.providerCacheSavingUsd,
    });
    const answer: CachedAnswer = {
      text: response.text,
      model: response.model || request.model,
      stopReason: response.stopReason,
      ...(response.stopDetails ? { stopDetails: response.stopDetails } : {}),
      usage: response.usage,
      costUsd: recorded,
      createdAt: Date.now(),
    };
    // Paid for and booked above either way; only a whole answer may become a cache entry.
    if (!isCacheableStop(response.stopReason)) throw new UncachedAnswer(answer);
    return answer;
  }

  /** Compares this run's inputs with the last run's, to say why the cached answer could not be used. */
  private async explainMiss(
    manifestKey: string,
    current: RunManifest,
    changes: readonly ChangedPart[],
    fresh: boolean | undefined,
  ): Promise<string[]> {
    if (fresh) return ['a fresh answer was asked for'];
    const reasons = changes.map((change) => describeChangedPart(change));
    const previous = (
      await this.deps.cache.get<RunManifest>('context', manifestKey, { uncounted: true, shape: checkRunManifest }).catch(() => undefined)
    )?.value;
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
}

/**
 * The max_tokens a call sends: the setting (or a run's own override) capped at the model's max output, or, at 0,
 * the model's default, which leaves room for thinking plus the answer.
 */
function effectiveMaxTokens(model: string, requested: number): number {
  const facts = modelFacts(model);
  return requested > 0 ? Math.min(requested, facts.maxOutputTokens) : facts.defaultMaxTokens;
}

/** One document a run sends, and whether it is likely to be sent again (and so worth a provider-cache write). */
interface DocumentBlock {
  text: string;
  repeats: boolean;
}

/**
 * Each document a run sends, in a stable order: files, the git diff and the modules' notes (sent again while they
 * are unchanged), then the selection, which is seldom sent twice, so that it comes after every breakpoint.
 */
function documentBlocks(snapshot: ContextSnapshot, moduleAnswers: Record<string, string>): DocumentBlock[] {
  const blocks: DocumentBlock[] = [];
  for (const part of snapshot.parts) {
    if (part.kind === 'file') blocks.push({ text: fileBlock(part.id, part.content), repeats: true });
    if (part.kind === 'gitDiff') blocks.push({ text: `<git-diff>\n${part.content}\n</git-diff>`, repeats: true });
  }
  for (const [name, answer] of Object.entries(moduleAnswers)) {
    blocks.push({ text: `<notes source="${name}">\n${answer}\n</notes>`, repeats: true });
  }
  for (const part of snapshot.parts) {
    if (part.kind === 'selection') blocks.push({ text: `<selection>\n${part.content}\n</selection>`, repeats: false });
  }
  return blocks;
}

/** Adds up one run's calls and savings as they happen, and books them in the ledger. */
class RunAccounting {
  readonly steps: LayerStep[] = [];
  usage: Usage | null = null;
  costUsd: Dollars = 0;
  savedUsd = 0;
  upstreamCalls = 0;

  /** Set once the user chose to run over budget, so one run asks at most once. */
  overBudgetApproved = false;
  /** Modules whose answer was cut off or refused: the run's answer is then not cached. */
  readonly incompleteModules: string[] = [];
  private readonly avoidedCosts: Dollars[] = [];

  constructor(
    private readonly ledger: CostLedger,
    private readonly recorder: TraceRecorder,
    readonly workflow: string,
    readonly confirmOverBudget: RunRequest['confirmOverBudget'],
    private readonly onProgress?: RunRequest['onProgress'],
  ) {}

  /** Tells the caller's progress display; a display that throws never fails the run. */
  progress(event: RunProgress): void {
    try {
      this.onProgress?.(event);
    } catch {
      // A progress display is advisory.
    }
  }

  /** A layer lookup finished: kept for the result and timed for the trace. */
  step(step: LayerStep): void {
    this.steps.push(step);
    this.recorder.stepDone(step);
  }

  paid(model: string, usage: Usage): RecordedCall {
    const recorded = this.ledger.recordUpstreamCall({ model, usage, workflow: this.workflow });
    this.upstreamCalls += 1;
    this.usage = addUsage(this.usage, usage);
    this.costUsd = addDollars(this.costUsd, recorded.costUsd);
    if (recorded.providerCacheSavingUsd !== 'unknown') this.savedUsd += recorded.providerCacheSavingUsd;
    this.progress({ kind: 'spent', spentUsd: this.costUsd });
    return recorded;
  }

  /** A hit spared a call; the ledger hears of it when the run settles, so a run that fails saves nothing. */
  avoided(originalCost: Dollars): void {
    this.avoidedCosts.push(originalCost);
    if (originalCost !== 'unknown') this.savedUsd += originalCost;
  }

  /** The run answered: what its hits spared goes on the ledger. */
  settle(): void {
    for (const cost of this.avoidedCosts.splice(0)) this.ledger.recordAvoidedCall(cost);
  }
}

function addDollars(a: Dollars, b: Dollars): Dollars {
  return a === 'unknown' || b === 'unknown' ? 'unknown' : a + b;
}

function addUsage(total: Usage | null, usage: Usage): Usage {
  if (!total) return { ...usage };
  return {
    inputTokens: total.inputTokens + usage.inputTokens,
    outputTokens: total.outputTokens + usage.outputTokens,
    cacheWrite5mTokens: total.cacheWrite5mTokens + usage.cacheWrite5mTokens,
    cacheWrite1hTokens: total.cacheWrite1hTokens + usage.cacheWrite1hTokens,
    cacheReadTokens: total.cacheReadTokens + usage.cacheReadTokens,
  };
}

export type { BoundPrompt };
