import type { RefusalStopDetails } from '@anthropic-ai/sdk/resources/messages';
import type { BudgetCaps, BudgetExceededError } from '../budget';
import type { ClaudeRequest, ClaudeResponse, CompleteOptions, ProviderCacheTtl, Usage } from '../claude';
import type { CostLedger, Dollars } from '../cost';
import type { SharedFlight } from '../flight';
import type { Layer, Tier } from '../layers';
import type { Logger } from '../logger';
import type { ObserverSet } from '../observe/observerSet';
import type { TieredCache } from '../tiered/tieredCache';
import type { LookupTrace } from '../trace';
import type { DiscoveredWorkflows, WorkflowParams } from '../workflows';

/*
 * The shapes a run is asked with, depends on and answers with; re-exported by `core/pipeline.ts`, where the
 * adapters import them from.
 */

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
