import { AlertMonitor, engineAlertSample } from '../alerts';
import { ArchivedAnswers } from '../archive/archivedAnswers';
import { ClaudeAuthenticationError, LazyClaudeClient } from '../claude';
import type { CacheConfig } from '../config';
import type { CostLedger } from '../cost';
import { validatePriceOverrides } from '../cost';
import type { EngineProblems } from '../engineProblems';
import { describeError } from '../errors';
import type { Logger } from '../logger';
import type { ObserverSet } from '../observe/observerSet';
import { WorkflowPipeline, type AnswerPrompt, type ClaudeCompleter, type RunResult, type RunSettings } from '../pipeline';
import type { LifetimeCounters } from '../stats/lifetimeCounters';
import type { SessionCounters } from '../stats/sessionCounters';
import { pinningPolicyOf } from '../stores/memory/pinning/pinningPolicy';
import type { MemoryStore } from '../stores/memory/memoryStore';
import { SimilarAnswers, type SimilarAnswer, type SimilarQuery } from '../similar/similarAnswers';
import type { TieredCache } from '../tiered/tieredCache';
import type { TierOpening } from '../tiers/sharedTierDriver';
import { tierConfigSections } from '../tiers/tierRegistry';
import { formatTraceText } from '../trace';
import type { SelfTuning } from '../tuning/selfTuning';
import type { UsagePrewarmReport } from '../usage/usagePrewarm';
import { discoverWorkflows } from '../workflows';
import { openEngineParts, type EngineParts } from './buildEngine';
import type { EngineApi } from './engineApi';
import type { EngineOptions } from './engineOptions';
import { prewarm, prewarmWorkspaceFromUsage, type PrewarmFromUsageOptions, type PrewarmItem, type PrewarmOptions, type PrewarmOutcome } from './enginePrewarm';
import { engineStats, type EngineStats } from './engineStats';
import { layerPolicies, memoryBudgets } from './layerPolicies';

/**
 * The engine as both adapters use it: the tiered cache over the registered tiers, the cost ledger, the Claude
 * client and the workflow pipeline, built from one CacheConfig. Opening never fails because a shared tier is
 * down: the cache runs on what it has and reports the rest.
 */
export class CacheEngine implements EngineApi {
  readonly cache: TieredCache;
  readonly ledger: CostLedger;
  readonly pipeline: WorkflowPipeline;
  readonly openings: readonly TierOpening[];
  /** The usage log and what tunes itself from it (TTLs, the provider-cache TTL for `auto`). */
  readonly tuning: SelfTuning;
  /** True when values in the shared tiers are sealed with AES-256-GCM. */
  readonly encrypted: boolean;
  /** The observation hook metrics, traces and alerts subscribe to. */
  readonly observers: ObserverSet;
  /** Alert rules evaluated over a window of samples (every ALERT_SAMPLE_MS, and at each stats()). */
  readonly alerts: AlertMonitor;
  /** Problems reported to the user (see EngineOptions.onProblem) and not resolved since. */
  readonly problems: EngineProblems;
  /** Expired and pruned answers kept for browsing (never served); undefined when SurrealDB or the archive is off. */
  readonly archive: ArchivedAnswers | undefined;
  /** Full-text search over cached answers' prompts; undefined when SurrealDB is off or values are encrypted. */
  readonly similar: SimilarAnswers | undefined;
  /** The last workflow run of this engine, with its lookup trace (for "Explain Last Run"). */
  lastRun: RunResult | undefined;
  /** The prompt behind the last run's answer, so "Find Similar Cached Answers" can start from it. */
  lastAnswerPrompt: AnswerPrompt | undefined;

  private currentConfig: CacheConfig;
  private apiKey: string | undefined;
  private client: LazyClaudeClient | undefined;
  private readonly logger: Logger;
  private readonly memory: MemoryStore;
  private readonly counters: SessionCounters;
  private readonly parts: EngineParts;
  private readonly flushTimer: NodeJS.Timeout;
  /** Prompts being indexed, one after another, off the run's path. */
  private indexing: Promise<void> = Promise.resolve();

  private constructor(parts: EngineParts, apiKey: string | undefined) {
    this.parts = parts;
    this.apiKey = apiKey;
    this.currentConfig = parts.options.config;
    this.cache = parts.cache;
    this.ledger = parts.ledger;
    this.openings = parts.openings;
    this.tuning = parts.tuning;
    this.encrypted = parts.encrypted;
    this.observers = parts.observers;
    this.problems = parts.problems;
    this.logger = parts.logger;
    this.memory = parts.memory;
    this.counters = parts.counters;
    const surreal = parts.surreal?.store;
    this.archive = surreal && parts.archive ? new ArchivedAnswers(parts.archive, parts.codec, () => surreal.cleanup()) : undefined;
    // Off when values are sealed: the index would keep the prompts readable beside the encrypted answers.
    this.similar =
      surreal && !parts.encrypted
        ? new SimilarAnswers((text, bindings) => surreal.query(text, bindings), (key) => surreal.get('result', key), parts.codec, parts.clock)
        : undefined;
    this.pipeline = this.buildPipeline(parts);
    this.alerts = new AlertMonitor({ clock: parts.clock, sample: () => engineAlertSample(this) });
    this.alerts.start(ALERT_SAMPLE_MS);
    // A long-lived editor session shares its counts with CLI runs now and then, not only when it closes.
    this.flushTimer = setInterval(() => void this.flushStats().catch(() => undefined), STATS_FLUSH_MS);
    this.flushTimer.unref();
  }

  static async open(options: EngineOptions): Promise<CacheEngine> {
    // The key can change later (setApiKey); the log redacts whichever is current.
    const holder: { engine?: CacheEngine } = {};
    const parts = await openEngineParts(options, () => (holder.engine ? holder.engine.apiKey : options.apiKey));
    holder.engine = new CacheEngine(parts, options.apiKey);
    return holder.engine;
  }

  get config(): CacheConfig {
    return this.currentConfig;
  }

  /**
   * How this process reaches SurrealDB right now (owner, client of another process, or, in a oneShot engine,
   * not opened yet because every read so far came from its entry files); undefined when the tier is off.
   */
  get surrealReach(): string | undefined {
    return this.parts.surreal?.store.reach;
  }

  get hasApiKey(): boolean {
    return Boolean(this.apiKey?.trim());
  }

  setApiKey(apiKey: string | undefined): void {
    this.apiKey = apiKey;
    this.client = undefined;
  }

  /**
   * Applies settings that can change live (model, limits, TTLs, budgets, prices). Returns true when a setting
   * that decides the tiers (URLs, storage folder, write mode) changed: the adapter reopens the engine for those.
   */
  applyConfig(next: CacheConfig): { reopenNeeded: boolean } {
    const previous = this.currentConfig;
    this.currentConfig = next;
    this.cache.reconfigure(layerPolicies(next), memoryBudgets(next));
    this.memory.setPinning(pinningPolicyOf(next.pinning));
    this.tuning.applyConfig(next);
    this.ledger.setPriceOverrides(validatePriceOverrides(next.prices).models);
    if (previous.apiBaseUrl !== next.apiBaseUrl || previous.requestTimeoutSeconds !== next.requestTimeoutSeconds) {
      this.client = undefined;
    }
    // Everything TieredCache.create and the stores were built from; any change there means building them again.
    const tierShape = (config: CacheConfig) =>
      JSON.stringify([...tierConfigSections(config), config.storageDir, config.writeMode, config.writeBehind, config.tiers, config.encryption, config.archive]);
    return { reopenNeeded: tierShape(previous) !== tierShape(next) };
  }

  /**
   * Cached answers whose prompts resemble `query.prompt`, best first: suggestions to read, never served as hits
   * (nothing is counted, nothing is replayed). Empty when the search is off.
   */
  async similarAnswers(query: SimilarQuery): Promise<SimilarAnswer[]> {
    return this.similar ? this.similar.find(query) : [];
  }

  /** Indexes the prompt of an answer this run stored (the pipeline's onAnswer). */
  answerStored(entry: AnswerPrompt): void {
    this.lastAnswerPrompt = entry;
    if (entry.cached || !entry.shareable || !this.similar) return;
    const similar = this.similar;
    const ttlMs = this.currentConfig.layers.result.ttlSeconds * 1000;
    this.indexing = this.indexing
      .then(() => similar.remember({ key: entry.key, prompt: entry.prompt, ttlMs }))
      .then(
        () => undefined,
        (error: unknown) => this.logger.debug(`could not index the prompt of ${entry.key}: ${describeError(error)}`),
      );
  }

  /** Resolves once every prompt handed to the similar-answer index so far is in it (or failed to go in). */
  async similarIndexSettled(): Promise<void> {
    await this.indexing;
  }

  /** The Claude client, built on first need; throws a clear error when no key is set. */
  claude(): ClaudeCompleter {
    if (!this.hasApiKey) {
      throw new ClaudeAuthenticationError(
        'No Anthropic API key is set. In VS Code run "Claude Cache: Set API Key"; for the CLI set ANTHROPIC_API_KEY.',
      );
    }
    this.client ??= new LazyClaudeClient({
      apiKey: this.apiKey as string,
      ...(this.currentConfig.apiBaseUrl ? { baseURL: this.currentConfig.apiBaseUrl } : {}),
      timeoutMs: this.currentConfig.requestTimeoutSeconds * 1000,
    });
    return this.client;
  }

  /** Hit rates over every process that used this storage folder, tier health and sizes now, and the dollars. */
  stats(): Promise<EngineStats> {
    return engineStats({ cache: this.cache, ledger: this.ledger, counters: this.counters, openings: this.openings, tuning: this.tuning, alerts: this.alerts });
  }

  /** Runs each item through the pipeline so its answers are cached; one failure does not stop the rest. */
  prewarm(workspace: string, items: readonly PrewarmItem[], options: PrewarmOptions = {}): Promise<PrewarmOutcome[]> {
    return prewarm(this.pipeline, this.logger, workspace, items, options);
  }

  /** Prewarms this workspace's most often missed workflows from the usage log (see prewarmWorkspaceFromUsage). */
  prewarmFromUsage(workspace: string, options: PrewarmFromUsageOptions = {}): Promise<UsagePrewarmReport> {
    return prewarmWorkspaceFromUsage({ pipeline: this.pipeline, tuning: this.tuning, logger: this.logger, config: this.currentConfig }, workspace, options);
  }

  /** Hit and miss counts over every process that used this storage folder, without sizing the tiers (cheap). */
  lifetimeCounts(): Promise<LifetimeCounters> {
    return this.counters.lifetime();
  }

  /** Adds what this process counted since the last flush to the shared stats file. */
  flushStats(): Promise<void> {
    return this.counters.flush();
  }

  /** Zeroes hit counts (here and in the shared file) and the ledger's totals. */
  async resetStats(): Promise<void> {
    await Promise.all([this.counters.reset(), this.ledger.reset()]);
  }

  async close(): Promise<void> {
    clearInterval(this.flushTimer);
    // Prompts still being indexed use the SurrealDB connection the cache closes.
    await this.indexing;
    this.alerts.stop();
    // The usage log writes through the SurrealDB connection the cache closes: the cache waits for it. The ledger
    // and the hit counts are files of their own, saved meanwhile.
    const cacheClosed = this.tuning
      .close()
      .catch((error: unknown) => this.logger.warn(`could not save the usage log: ${describeError(error)}`))
      .then(() => this.cache.close());
    await Promise.all([
      cacheClosed,
      this.ledger.flush(),
      this.flushStats().catch((error: unknown) => {
        const line = `could not save hit counts: ${describeError(error)}`;
        // An unusable storage folder was reported when the engine opened.
        if (this.parts.storageUsable) this.logger.warn(line);
        else this.logger.debug(line);
      }),
    ]);
    this.parts.flight?.close();
  }

  /** The pipeline over this engine's cache, reading the settings and the Claude client as they are at each run. */
  private buildPipeline(parts: EngineParts): WorkflowPipeline {
    const traceLogger = parts.rootLogger.child('trace');
    const tuning = parts.tuning;
    return new WorkflowPipeline({
      cache: parts.cache,
      ledger: parts.ledger,
      claude: () => this.claude(),
      settings: () => {
        const current = this.currentConfig;
        const providerCacheFor = tuning.providerCacheFor();
        const settings: RunSettings = {
          model: current.model,
          maxTokens: current.maxTokens,
          // `auto` starts a workflow with no provider caching until its calls show a TTL would pay (providerCacheFor).
          providerCache: current.providerCache === 'auto' ? 'off' : current.providerCache,
          ...(providerCacheFor ? { providerCacheFor } : {}),
          secretsInSharedTiers: current.secrets.cacheInSharedTiers,
          budget: current.budget,
        };
        return settings;
      },
      onRunFinished: (request, result, durationMs) => {
        this.lastRun = result;
        if (result.trace) traceLogger.debug(formatTraceText(result.trace));
        tuning.recordRun(request, result, durationMs);
      },
      onAnswer: (entry) => this.answerStored(entry),
      workflows: parts.options.workflows ?? discoverWorkflows,
      logger: parts.rootLogger,
      observer: parts.observers,
      ...(parts.flight ? { flight: parts.flight.flight } : {}),
    });
  }
}

const STATS_FLUSH_MS = 30_000;
const ALERT_SAMPLE_MS = 30_000;
