import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { replayText, type ClaudeRequest, type ClaudeResponse, type CompleteOptions, type ProviderCacheTtl, type Usage } from './claude';
import { buildSnapshot, checkSnapshot, hashSubset, type ChangedPart, type ContextSnapshot } from './context';
import type { CostLedger, Dollars, RecordedCall } from './cost';
import type { SharedFlight } from './flight';
import { checkBudget, hasBudget, worstCaseUsage, type BudgetCaps, type BudgetExceededError } from './budget';
import type { Layer, Tier } from './layers';
import { contextKey, moduleKey, promptKey, resultInputHash, resultKey, sha256Hex } from './keys';
import { silentLogger, type Logger } from './logger';
import type { ObserverSet } from './observe/observerSet';
import { TraceRecorder, type LookupTrace } from './trace';
import { valueContainsSecret } from './security/secretDetection';
import type { LookupStatus } from './tiered/tierTypes';
import type { TieredCache } from './tiered/tieredCache';
import {
  bindParams,
  fileBlock,
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
  maxTokens: number;
  temperature: number;
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
  /** Skip the result layer's cached answer and call Claude (the new answer replaces it). */
  fresh?: boolean;
  /** Receives the answer as it arrives; a cached answer is replayed through it too. */
  onText?: (chunk: string) => void;
  signal?: AbortSignal;
  /** `prewarm` for a run prewarming makes, so the usage log can tell it from one someone asked for. */
  origin?: 'prewarm';
  /**
   * Asked when a Claude call of this run could pass a budget cap: true runs it anyway (and the rest of the run
   * without asking again). Absent, the run fails with BudgetExceededError.
   */
  confirmOverBudget?: (problem: BudgetExceededError) => boolean | Promise<boolean>;
}

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
  stopReason: string | null;
  /** Each lookup of the run: layer, tiers asked, hit or miss, why, latency. */
  trace?: LookupTrace;
}

/** What the result and module layers store: an answer and what it cost to get. */
export interface CachedAnswer {
  text: string;
  model: string;
  stopReason: string | null;
  usage: Usage;
  costUsd: Dollars;
  createdAt: number;
}

/** The inputs of the last run of a workflow on a target, kept to explain the next miss. */
interface RunManifest {
  model: string;
  maxTokens: number;
  temperature: number;
  workflowVersion: string;
  systemHash: string;
  promptHash: string;
  params: WorkflowParams;
  parts: Record<string, string>;
}

/**
 * One workflow run through the four layers: prompt (template bound to params) -> context (snapshot of what it
 * reads, re-checked before use) -> modules (sub-prompt answers) -> result (the final answer). A cached answer is
 * never served after one of its inputs changed, because every input enters the result key.
 */
export class WorkflowPipeline {
  private readonly logger: Logger;

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
    const model = workflow.model ?? requested.model;
    const settings: RunSettings = { ...requested, providerCache: requested.providerCacheFor?.(workflow.name, model) ?? requested.providerCache };
    const params = normalizeParams({ args: request.params?.args ?? [], inputs: request.params?.inputs ?? {} });
    const run = new RunAccounting(this.deps.ledger, recorder, workflow.name, request.confirmOverBudget);
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
    const snapshot = await this.lookup(
      run,
      'context',
      contextKey(workspace, `${workflow.name}@${target}`),
      () => buildSnapshot({ workspace, reads: workflow.reads, filePath: request.filePath, selection: request.selection }),
      async (cached: ContextSnapshot) => {
        const check = await checkSnapshot(cached, { selection: request.selection, filePath: request.filePath });
        changes.push(...check.changed);
        return check.fresh;
      },
      shareable,
    );
    // Everything built on a prompt or context that holds a secret (module answers, the result) is kept private.
    const runShareable = allowSecrets || (shareable(bound) && shareable(snapshot));
    const answerShareable = (value: unknown): boolean => runShareable && shareable(value);

    // L2 modules: each sub-prompt's answer, shared by every workflow that uses the module on the same context.
    const moduleAnswers: Record<string, string> = {};
    for (const module of workflow.modules) {
      moduleAnswers[module.name] = await this.runModule(run, module, snapshot, model, settings, request.signal, answerShareable);
    }

    // L4 result: the final answer, keyed by everything that shapes it. The documents go first as blocks that
    // Anthropic's prompt cache can hold; the prompt refers to them.
    const contextBlocks = documentBlocks(snapshot, moduleAnswers);
    const prompt = fillContext(bound, { ...renderContextFromSnapshot(snapshot, moduleAnswers), documentsAbove: true });
    const inputHash = resultInputHash({
      model,
      system: workflow.system ?? '',
      prompt: [...contextBlocks, prompt].join('\u0000'),
      contextHash: snapshot.hash,
      maxTokens: settings.maxTokens,
      temperature: settings.temperature,
      workflowVersion: workflow.version,
    });
    const key = resultKey(workflow.name, inputHash);
    const manifestKey = contextKey(workspace, `${workflow.name}@${target}#inputs`);
    const manifest: RunManifest = {
      model,
      maxTokens: settings.maxTokens,
      temperature: settings.temperature,
      workflowVersion: workflow.version,
      systemHash: sha256Hex(workflow.system ?? ''),
      promptHash: sha256Hex(bound.segments.map((segment) => JSON.stringify(segment)).join('')),
      params,
      parts: Object.fromEntries(snapshot.parts.map((part) => [part.id, part.hash])),
    };
    const claudeRequest: ClaudeRequest = {
      model,
      ...(workflow.system ? { system: workflow.system } : {}),
      contextBlocks,
      prompt,
      maxTokens: settings.maxTokens,
      temperature: settings.temperature,
      providerCache: settings.providerCache,
    };
    const callClaude = () => this.callClaude(run, claudeRequest, request.onText, request.signal);
    const sharedResult = { joined: false, stored: false };

    let answer: CachedAnswer;
    const status: LookupStatus = {};
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
    const source = sharedResult.joined && status.source === 'compute' ? 'joined' : (status.source ?? 'compute');
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
      await replayText(answer.text, request.onText ?? (() => undefined), { signal: request.signal });
    }

    // The run delivered its answer: only now do the hits it made count as money saved.
    run.settle();
    const missReasons = computedHere ? await this.explainMiss(manifestKey, manifest, changes, request.fresh) : [];
    // Only a computed answer changes what the next miss is compared with; a hit leaves the manifest as it was.
    if (computedHere) await this.deps.cache.set('context', manifestKey, manifest).catch(() => false);
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
    };
    result.trace = recorder.build({
      runId: result.runId,
      workflow: workflow.name,
      cached: result.cached,
      fresh: request.fresh === true,
      contextChanges: changes.map((change) => describeChange(change)),
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

  private async lookup<T>(
    run: RunAccounting,
    layer: Layer,
    key: string,
    compute: () => T | Promise<T>,
    validate?: (value: T) => Promise<boolean>,
    sharedTiers?: (value: T) => boolean,
  ): Promise<T> {
    const status: LookupStatus = {};
    const value = await this.deps.cache.getOrCompute(layer, key, compute, {
      status,
      ...(validate ? { validate } : {}),
      ...(sharedTiers ? { sharedTiers } : {}),
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
    const inputHash = sha256Hex(hashSubset(snapshot, module.reads), model, String(settings.maxTokens), String(settings.temperature));
    const key = moduleKey(module.name, module.version, inputHash);
    const request: ClaudeRequest = {
      model,
      ...(module.system ? { system: module.system } : {}),
      prompt: renderModule(module, renderContextFromSnapshot(snapshot)),
      maxTokens: settings.maxTokens,
      temperature: settings.temperature,
      providerCache: settings.providerCache,
    };
    const status: LookupStatus = {};
    const shared = { joined: false, stored: false };
    const call = () => this.callClaude(run, request, undefined, signal);
    const answer = await this.deps.cache.getOrCompute('module', key, this.sharedAcrossInstances('module', key, call, sharedTiers, shared), {
      status,
      sharedTiers,
      storedByCompute: () => shared.stored,
    });
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
   * Refuses (or asks about) a call whose worst-case cost could take today's spend past a cap. Today's spend is
   * re-read from the shared ledger first, so other windows' and CLI runs' spend counts.
   */
  private async enforceBudget(run: RunAccounting, request: ClaudeRequest): Promise<void> {
    const caps = this.deps.settings().budget;
    if (!hasBudget(caps) || run.overBudgetApproved) return;
    const ledger = this.deps.ledger;
    await ledger.refresh();
    const problem = checkBudget({
      caps,
      workflow: run.workflow,
      model: request.model,
      estimateUsd: ledger.costOf(request.model, worstCaseUsage(request)),
      spentTodayUsd: ledger.spentToday(),
      spentByWorkflowUsd: ledger.spentToday(run.workflow),
    });
    if (!problem) return;
    if (run.confirmOverBudget && (await run.confirmOverBudget(problem))) {
      this.logger.info(`${run.workflow}: over budget, run anyway as asked (${problem.message})`);
      run.overBudgetApproved = true;
      return;
    }
    throw problem;
  }

  private async callClaude(
    run: RunAccounting,
    request: ClaudeRequest,
    onText: ((chunk: string) => void) | undefined,
    signal: AbortSignal | undefined,
  ): Promise<CachedAnswer> {
    const client = this.deps.claude();
    await this.enforceBudget(run, request);
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    let response: ClaudeResponse;
    try {
      response = await client.complete(request, { ...(onText ? { onText } : {}), ...(signal ? { signal } : {}) });
    } catch (error) {
      this.deps.observer?.upstreamCall?.({ model: request.model, seconds: seconds(), outcome: 'error', costUsd: 0, providerCacheSavingUsd: 0 });
      throw error;
    }
    const call = run.paid(response.model || request.model, response.usage);
    const recorded = call.costUsd;
    this.deps.observer?.upstreamCall?.({
      model: response.model || request.model,
      seconds: seconds(),
      outcome: 'ok',
      costUsd: call.costUsd,
      providerCacheSavingUsd: call.providerCacheSavingUsd,
    });
    return {
      text: response.text,
      model: response.model || request.model,
      stopReason: response.stopReason,
      usage: response.usage,
      costUsd: recorded,
      createdAt: Date.now(),
    };
  }

  /** Compares this run's inputs with the last run's, to say why the cached answer could not be used. */
  private async explainMiss(
    manifestKey: string,
    current: RunManifest,
    changes: readonly ChangedPart[],
    fresh: boolean | undefined,
  ): Promise<string[]> {
    if (fresh) return ['a fresh answer was asked for'];
    const reasons = changes.map((change) => describeChange(change));
    const previous = (await this.deps.cache.get<RunManifest>('context', manifestKey, { uncounted: true }).catch(() => undefined))?.value;
    if (!previous) return reasons;
    const compare = (label: string, before: unknown, after: unknown) => {
      if (JSON.stringify(before) !== JSON.stringify(after)) reasons.push(`${label} changed (${String(before)} -> ${String(after)})`);
    };
    compare('model', previous.model, current.model);
    compare('max tokens', previous.maxTokens, current.maxTokens);
    compare('temperature', previous.temperature, current.temperature);
    if (previous.workflowVersion !== current.workflowVersion) reasons.push('the workflow definition changed');
    if (previous.systemHash !== current.systemHash) reasons.push('the system prompt changed');
    if (JSON.stringify(previous.params) !== JSON.stringify(current.params)) reasons.push('the arguments changed');
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

/** Each document a run sends, in a stable order: what it read, then the modules' answers. */
function documentBlocks(snapshot: ContextSnapshot, moduleAnswers: Record<string, string>): string[] {
  const blocks = snapshot.parts.map((part) => {
    switch (part.kind) {
      case 'file':
        return fileBlock(part.id, part.content);
      case 'selection':
        return `<selection>\n${part.content}\n</selection>`;
      case 'gitDiff':
        return `<git-diff>\n${part.content}\n</git-diff>`;
    }
  });
  for (const [name, answer] of Object.entries(moduleAnswers)) blocks.push(`<notes source="${name}">\n${answer}\n</notes>`);
  return blocks;
}

function describeChange(change: ChangedPart): string {
  const what = change.kind === 'file' ? change.id : change.kind === 'gitDiff' ? 'the git diff' : 'the selection';
  if (change.reason === 'differs' && change.kind !== 'file') return change.detail ?? `${what} changed`;
  const how = change.reason === 'deleted' ? 'was deleted' : change.reason === 'modified' ? 'was modified' : 'changed';
  return `${what} ${how}${change.detail ? ` (${change.detail})` : ''}`;
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
  private readonly avoidedCosts: Dollars[] = [];

  constructor(
    private readonly ledger: CostLedger,
    private readonly recorder: TraceRecorder,
    readonly workflow: string,
    readonly confirmOverBudget: RunRequest['confirmOverBudget'],
  ) {}

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
