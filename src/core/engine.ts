import { constants } from 'node:fs';
import { access, mkdir, readFile } from './io/fileOps';
import { LAYER_VALUE_SCHEMAS } from './tiered/layerValueSchemas';
import { homedir } from 'node:os';
import path from 'node:path';
import { ClaudeAuthenticationError, LazyClaudeClient } from './claude';
import { systemClock, type Clock } from './clock';
import type { CacheConfig } from './config';
import { CostLedger, JsonFileLedgerPersistence, validatePriceOverrides, type LedgerTotals } from './cost';
import { describeError } from './errors';
import { EngineProblems, type EngineProblem } from './engineProblems';
import { DEFAULT_LOCK_TTL_MS, openRedisFlight, type SharedFlight } from './flight';
import { LAYERS, TIERS, type Layer, type Tier, type TierStatus } from './layers';
import { silentLogger, type Logger } from './logger';
import { addCounters, emptyCounters, LifetimeCountersFile, type LifetimeCounters } from './stats/lifetimeCounters';
import { WorkflowPipeline, type ClaudeCompleter, type RunResult, type RunSettings } from './pipeline';
import { ObservedStore } from './observe/observedStore';
import { ObserverSet } from './observe/observerSet';
import { formatTraceText } from './trace';
import { AlertMonitor, engineAlertSample, type Alert } from './alerts';
import { decodeValue, encodeValue } from './codec';
import { MemoryStore } from './stores/memory/memoryStore';
import { pinningPolicyOf } from './stores/memory/pinning/pinningPolicy';
import { ArchivedAnswers } from './archive/archivedAnswers';
import { SimilarAnswers, type SimilarAnswer, type SimilarQuery } from './similar/similarAnswers';
import type { AnswerPrompt } from './pipeline';
import type { RedisInvalidationBus } from './stores/redis/redisInvalidationBus';
import { describeRedisError } from './stores/redis/redisConnectionError';
import type { RedisStore } from './stores/redis/redisStore';
import { describeTopology, redisTopologyFromConfig } from './stores/redis/redisTopology';
import { isEmbeddedUrl } from './stores/surreal/surrealConnection';
import { lz4Unavailable } from './native/nativeModules';
import { moveDamagedDirectoryAside } from './stores/surreal/shared/damagedDirectory';
import { SurrealStore } from './stores/surreal/surrealStore';
import { UsageSpool } from './usage/usageSpool';
import type { Store } from './stores/store';
import type { LayerPolicy, ValueCodec } from './tiered/tierTypes';
import { EncryptingCodec } from './codec/encryptingCodec';
import { redactingLogger } from './security/redactingLogger';
import { redactUrl } from './security/redactUrl';
import { parseEncryptionKey } from './security/encryptionKey';
import { EncryptedNamespaceGuard, namespaceMarker } from './security/encryptedNamespace';
import { usageSealing } from './usage/usageSealing';
import { hitRate } from './tiered/cacheStats';
import { TieredCache } from './tiered/tieredCache';
import { SelfTuning, type TuningStats } from './tuning/selfTuning';
import { prewarmFromUsage, type UsagePrewarmOptions, type UsagePrewarmReport } from './usage/usagePrewarm';
import { formatDollars } from './format/money';
import { discoverWorkflows, type DiscoveredWorkflows } from './workflows';

export interface EngineOptions {
  config: CacheConfig;
  /** From SecretStorage (extension) or ANTHROPIC_API_KEY (CLI); never part of the config. */
  apiKey?: string;
  /**
   * A process that runs one command and exits (the CLI): the embedded SurrealDB directory opens on first need, so
   * a hit is answered from its entry files without starting the engine (see SurrealEntryFiles), and what only a
   * long session needs up front (the lz4 check) waits until used.
   */
  oneShot?: boolean;
  /** Password for a remote SurrealDB server, from SecretStorage or the environment. */
  surrealPassword?: string;
  /** Password for Redis (AUTH or an ACL user named in the URL), from SecretStorage or the environment. */
  redisPassword?: string;
  /**
   * PEM file of the CA a `rediss://` server's certificate chains to (CLAUDE_CACHE_REDIS_CA_FILE), for a private CA;
   * overrides the `redis.caFile` setting.
   */
  redisCaFile?: string;
  /**
   * Key for encryption at rest of values in Redis and SurrealDB: 32 bytes as base64 or hex, from SecretStorage
   * or CLAUDE_CACHE_ENCRYPTION_KEY. Used whenever given; required when `encryption.enabled` is set.
   */
  encryptionKey?: string;
  /** Every line is redacted of likely secrets and of the keys above before it reaches this logger. */
  logger?: Logger;
  clock?: Clock;
  /** Workflow discovery; the extension memoizes it behind file watchers. */
  workflows?: (workspace: string) => Promise<DiscoveredWorkflows>;
  /**
   * Problems the user must see even without verbose logging (Redis refuses the password, a malformed encryption
   * key, a storage folder that cannot be written): each once, as it is noticed. Without it they are logged as
   * warnings.
   */
  onProblem?: (problem: EngineProblem) => void;
  /** Tuning of the cross-instance single-flight (used when a Redis tier exists); tests shorten the lock. */
  flight?: { lockTtlMs?: number; pollIntervalMs?: number };
}

/** The `stats --json` contract (ARCHITECTURE.md). */
export interface EngineStats {
  layers: Record<Layer, { hits: number; misses: number; hitRate: number; entries: number; bytes: number }>;
  /**
   * `status` is what the last operation on the tier showed (up, degraded, down) or off when not configured;
   * `reason` says why a tier is degraded or down (absent otherwise).
   */
  tiers: Record<Tier, { status: TierStatus; reason?: string; hits: number; entries: number; bytes: number }>;
  /** The ledger's totals as the contract names them (calls of unknown cost are counted by the ledger only). */
  cost: Omit<LedgerTotals, 'unknownCostCalls'>;
  /** Effective TTLs and their changes, the provider-cache choice and where the usage log lives. */
  tuning?: TuningStats;
  /** Rules broken now (hit rate below target, evictions, memory nearly full, tier errors); empty when all is well. */
  alerts?: Alert[];
}

export interface PrewarmItem {
  workflow: string;
  args?: readonly string[];
  inputs?: Readonly<Record<string, string>>;
  file?: string;
}

export interface PrewarmOutcome {
  item: PrewarmItem;
  result?: RunResult;
  error?: Error;
}

/** What a storage tier said when the engine opened it; a tier that failed to open is off for this session. */
export interface TierOpening {
  tier: Tier;
  status: 'up' | 'off' | 'failed';
  detail: string;
  /** What an open tier is connected to at this moment, where that changes while it runs ("cluster, 3 masters"). */
  liveDetail?: () => string;
}

/**
 * The engine as both adapters use it: the tiered cache over the configured tiers, the cost ledger, the Claude
 * client and the workflow pipeline, built from one CacheConfig. Opening never fails because a shared tier is
 * down: the cache runs on what it has and reports the rest.
 */
export class CacheEngine {
  private apiKey: string | undefined;
  private client: LazyClaudeClient | undefined;
  /** This process's counters as they were at the last flush into the shared stats file. */
  private flushed: LifetimeCounters = emptyCounters();
  private readonly flushTimer: NodeJS.Timeout;
  /** True when values in the shared tiers are sealed with AES-256-GCM. */
  encrypted = false;
  /** The observation hook metrics, traces and alerts subscribe to; open() sets it before anything runs. */
  observers!: ObserverSet;
  /** The last workflow run of this engine, with its lookup trace (for "Explain Last Run"). */
  lastRun: RunResult | undefined;
  /** Alert rules evaluated over a window of samples (every ALERT_SAMPLE_MS, and at each stats()). */
  alerts!: AlertMonitor;
  /** Expired and pruned answers kept for browsing (never served); undefined when SurrealDB or the archive is off. */
  archive: ArchivedAnswers | undefined;
  /** Full-text search over cached answers' prompts; undefined when SurrealDB is off or values are encrypted. */
  similar: SimilarAnswers | undefined;
  /** The prompt behind the last run's answer, so "Find Similar Cached Answers" can start from it. */
  lastAnswerPrompt: AnswerPrompt | undefined;
  /** Prompts being indexed, one after another, off the run's path. */
  private indexing: Promise<void> = Promise.resolve();
  /** The memory tier, for settings it applies live (pinning). */
  private memory: MemoryStore | undefined;
  private surrealStore: SurrealStore | undefined;
  /** Problems reported to the user (see EngineOptions.onProblem) and not resolved since. */
  problems!: EngineProblems;
  /** False when the storage folder cannot be written: what is saved there is lost, which was reported once. */
  private storageUsable = true;
  /** Drops the single-flight's subscriber connection; set when a Redis tier exists. */
  private closeFlight: (() => void) | undefined;

  private constructor(
    private currentConfig: CacheConfig,
    readonly cache: TieredCache,
    readonly ledger: CostLedger,
    readonly pipeline: WorkflowPipeline,
    readonly openings: TierOpening[],
    private readonly logger: Logger,
    apiKey: string | undefined,
    private readonly lifetime: LifetimeCountersFile,
    /** The usage log and what tunes itself from it (TTLs, the provider-cache TTL for `auto`). */
    readonly tuning: SelfTuning,
  ) {
    this.apiKey = apiKey;
    // A long-lived editor session shares its counts with CLI runs now and then, not only when it closes.
    this.flushTimer = setInterval(() => void this.flushStats().catch(() => undefined), STATS_FLUSH_MS);
    this.flushTimer.unref();
  }

  static async open(options: EngineOptions): Promise<CacheEngine> {
    const config = options.config;
    let engine: CacheEngine | undefined;
    const knownSecrets = (): string[] =>
      [
        engine ? engine.apiKey : options.apiKey,
        options.surrealPassword,
        options.redisPassword,
        options.encryptionKey,
      ].filter((secret): secret is string => typeof secret === 'string' && secret !== '');
    const rootLogger = redactingLogger(options.logger ?? silentLogger, knownSecrets);
    const logger = rootLogger.child('engine');
    const clock = options.clock ?? systemClock;
    const observers = new ObserverSet();
    const problems = new EngineProblems(logger, options.onProblem);
    const storageProblem = await storageFolderProblem(config.storageDir);
    if (storageProblem !== undefined) {
      problems.report(
        'storage-folder',
        `storage folder ${config.storageDir} is not usable (${storageProblem}): nothing is kept between runs, so every ` +
          'run pays again; set claudeCache.storageDir (CLAUDE_CACHE_STORAGE_DIR for the CLI) to a folder you can write',
      );
    }

    const openings: TierOpening[] = [{ tier: 'memory', status: 'up', detail: 'in process' }];
    const memory = new MemoryStore({ budgets: memoryBudgets(config), clock, pinning: pinningPolicyOf(config.pinning) });
    const sealing = sharedTierCodec(config, options.encryptionKey);
    const codec: ValueCodec = 'codec' in sealing ? sealing.codec : PLAIN_CODEC;
    // One line for both shared tiers: they are off for the same reason.
    if ('problem' in sealing) problems.report('encryption-key', sealing.problem);

    let redis: RedisStore | undefined;
    let bus: RedisInvalidationBus | undefined;
    let redisTopology: ReturnType<typeof redisTopologyFromConfig>;
    try {
      redisTopology = redisTopologyFromConfig(config.redis, options.redisPassword);
    } catch (error) {
      redisTopology = { problem: `cannot use ${redactUrl(config.redis.url)}: ${describeError(error)}` };
    }
    if (redisTopology && 'problem' in redisTopology) {
      openings.push({ tier: 'redis', status: 'failed', detail: redisTopology.problem });
    } else if (redisTopology && 'problem' in sealing) {
      // Never write readable values where encryption was asked for: the shared tiers stay off instead.
      openings.push({ tier: 'redis', status: 'failed', detail: sealing.problem });
    } else if (redisTopology) {
      try {
        // Connects in the background: a Redis that is down at start must not keep the engine from opening.
        const caFile = options.redisCaFile || config.redis.caFile;
        const tlsCa = caFile ? await readRedisCa(caFile) : undefined;
        // Loaded only here: with the Redis tier off (a CLI run, a machine alone) ioredis is never loaded.
        const [{ RedisStore }, { RedisInvalidationBus }] = await Promise.all([
          import('./stores/redis/redisStore'),
          import('./stores/redis/redisInvalidationBus'),
        ]);
        redis = RedisStore.create({
          topology: redisTopology.topology,
          ...(tlsCa ? { tlsCa } : {}),
          keyPrefix: config.redis.keyPrefix,
          clock,
          commandTimeoutMs: config.tiers.timeoutMs,
        });
        bus = RedisInvalidationBus.forClient(redis.client, { keyPrefix: config.redis.keyPrefix });
        const redisWhere = redactUrl(config.redis.url);
        // What the connection itself reports (a refused login, nothing listening) is the clearest reason there is.
        redis.events.on('error', (error) =>
          problems.report('redis', `Redis tier unavailable (${redisWhere}): ${describeRedisError(error)}; running without it until it answers`),
        );
        redis.onReady(() => problems.resolve('redis'));
        const where = config.redis.mode === 'standalone' ? redactUrl(config.redis.url) : describeTopology(redisTopology.topology);
        const store = redis;
        openings.push({
          tier: 'redis',
          status: 'up',
          detail: where,
          ...(config.redis.mode === 'standalone' ? {} : { liveDetail: () => store.describeConnection() }),
        });
      } catch (error) {
        openings.push({ tier: 'redis', status: 'failed', detail: `cannot use ${redactUrl(config.redis.url)}: ${describeError(error)}` });
      }
    } else {
      openings.push({ tier: 'redis', status: 'off', detail: 'no claudeCache.redis.url set' });
    }

    const surrealUrl = config.surreal.url || `surrealkv://${path.join(config.storageDir, 'surreal')}`;
    let surreal: SurrealStore | undefined;
    if ('problem' in sealing) {
      openings.push({ tier: 'surreal', status: 'failed', detail: sealing.problem });
    } else if (storageProblem !== undefined && isEmbeddedUrl(surrealUrl)) {
      openings.push({ tier: 'surreal', status: 'failed', detail: `the storage folder is not usable (${storageProblem})` });
    } else {
      const openSurreal = () =>
        SurrealStore.open({
          url: surrealUrl,
          namespace: config.surreal.namespace,
          database: config.surreal.database,
          ...(config.surreal.username ? { username: config.surreal.username } : {}),
          ...(options.surrealPassword ? { password: options.surrealPassword } : {}),
          maxEntries: config.surreal.maxEntries,
          archiveMaxEntries: config.archive.maxEntries,
          // A window reloading while the old one still lets go of the folder must not lose the tier for good.
          keepLooking: true,
          ...(options.oneShot ? { deferOpen: true } : {}),
          clock,
        });
      try {
        const store = await openSurreal();
        surreal = store;
        const owner = store.servedBy;
        const detail = owner
          ? `${surrealUrl} (shared; served by process ${owner})`
          : store.waiting
            ? `${surrealUrl} (busy; used once free)`
            : store.isOpen
              ? surrealUrl
              : `${surrealUrl} (opened on the first miss or write; hits come from its entry files)`;
        openings.push({ tier: 'surreal', status: 'up', detail });
        if (store.waiting) logger.warn(`running without SurrealDB until ${surrealUrl} is free: ${store.reach}`);
      } catch (error) {
        // Only damage SurrealDB itself reported (see SharedSurrealDirectory) moves a directory aside: a busy
        // lock or an owner that does not answer never does, whatever else went wrong.
        const movedTo = await moveDamagedDirectoryAside(surrealUrl, error);
        if (movedTo === undefined) {
          openings.push({ tier: 'surreal', status: 'failed', detail: describeError(error) });
        } else {
          logger.warn(`recovered a damaged SurrealDB folder (${describeError(error)}): moved it to ${movedTo} and started an empty one`);
          try {
            surreal = await openSurreal();
            openings.push({ tier: 'surreal', status: 'up', detail: `${surrealUrl} (new; the unreadable one is in ${movedTo})` });
          } catch (again) {
            openings.push({ tier: 'surreal', status: 'failed', detail: describeError(again) });
          }
        }
      }
    }
    const reported = (opening: TierOpening): boolean =>
      ('problem' in sealing && opening.detail === sealing.problem) ||
      (storageProblem !== undefined && opening.tier === 'surreal' && opening.detail.includes(storageProblem));
    for (const opening of openings) {
      // Already told as a problem above: the log keeps the detail without a second warning.
      if (opening.status === 'failed' && reported(opening)) logger.info(`${opening.tier} tier off: ${opening.detail}`);
      else if (opening.status !== 'failed') logger.info(`${opening.tier} tier ${opening.status}: ${opening.detail}`);
      else if (opening.tier === 'surreal') logger.warn(`running without SurrealDB this run because ${opening.detail}`);
      else logger.warn(`${opening.tier} tier unavailable: ${opening.detail}`);
    }
    // A native binary missing on this machine turns its feature off, never the extension (see native/nativeModules.ts).
    // A one-shot process loads lz4 when a value needs it, and a value that cannot be read says why.
    const lz4Missing = options.oneShot ? undefined : lz4Unavailable();
    if (lz4Missing) logger.warn(lz4Missing.message);

    // A namespace another key (or no key) encrypted is left alone: see encryptedNamespace.ts.
    const sealer = 'codec' in sealing && sealing.codec instanceof EncryptingCodec ? sealing.codec : undefined;
    const namespace = redis
      ? new EncryptedNamespaceGuard(redis, {
          client: redis.client,
          keyPrefix: config.redis.keyPrefix,
          marker: sealer ? namespaceMarker(sealer) : undefined,
          clock,
          onLocked: (problem) => problems.report('encryption-key', problem),
          onUnlocked: () => problems.resolve('encryption-key'),
        })
      : undefined;
    const cache = await TieredCache.create({
      memory,
      // Shared tiers report their reads (and latency) to the observers; memory is not wrapped, its hits stay untimed.
      ...(namespace ? { redis: new ObservedStore(namespace, observers) } : {}),
      ...(surreal ? { surreal: new ObservedStore(surreal, observers) } : {}),
      // A server other instances use already saw their invalidations; an embedded store is ours alone.
      surrealShared: !isEmbeddedUrl(surrealUrl),
      codec,
      // Every value read back from a shared tier is checked against its layer's shape before use.
      layerValues: LAYER_VALUE_SCHEMAS,
      logger: rootLogger.child('cache'),
      layers: layerPolicies(config),
      writeMode: config.writeMode,
      writeBehind: config.writeBehind,
      tierTimeoutMs: config.tiers.timeoutMs,
      breaker: { threshold: config.tiers.breakerThreshold, cooldownMs: config.tiers.breakerCooldownMs },
      ...(bus ? { bus } : {}),
      clock,
    });
    // The breaker's view (routing) goes to the log; what a user must see comes from observed health below and
    // from the Redis connection's own errors, which say why.
    cache.events.on('tierStatus', ({ tier, status }) =>
      logger.info(status === 'up' ? `${tier} tier is up again` : `${tier} tier is now ${status} (skipped for a while)`),
    );
    cache.events.on('tierHealth', ({ tier, status, reason }) => {
      logger.info(`${tier} tier ${status}${reason ? `: ${reason}` : ''}`);
      if (tier !== 'surreal') return;
      if (status === 'up') problems.resolve('surreal');
      else problems.report('surreal', `SurrealDB tier ${status}: ${reason ?? 'failing'}; running without it until it answers`);
    });

    let sharedFlight: { flight: SharedFlight; close: () => void } | undefined;
    if (redis) {
      sharedFlight = openRedisFlight(redis.client, {
        keyPrefix: config.redis.keyPrefix,
        commandTimeoutMs: Math.max(config.tiers.timeoutMs, 250),
        maxWaitMs: config.requestTimeoutSeconds * 1000 + (options.flight?.lockTtlMs ?? DEFAULT_LOCK_TTL_MS),
        available: () => cache.tierStatus('redis') !== 'down' && namespace?.usable !== false,
        logger: rootLogger,
        ...(options.flight?.lockTtlMs !== undefined ? { lockTtlMs: options.flight.lockTtlMs } : {}),
        ...(options.flight?.pollIntervalMs !== undefined ? { pollIntervalMs: options.flight.pollIntervalMs } : {}),
      });
    }

    const ledger = await CostLedger.open({
      persistence: new JsonFileLedgerPersistence(path.join(config.storageDir, 'ledger.json')),
      clock,
      priceOverrides: validatePriceOverrides(config.prices).models,
      // An unusable storage folder was reported once already; each failed save would only repeat it.
      onProblem: (problem) => (storageProblem === undefined ? logger.warn(problem.message) : logger.debug(problem.message)),
    });

    // The tier as opened (or not), fixed from here on: closures below keep it.
    const surrealTier = surreal;
    const tuning = await SelfTuning.open({
      config,
      ...(surrealTier ? { surreal: queryOn(surrealTier) } : {}),
      ...(isEmbeddedUrl(surrealUrl) ? { usageSpool: new UsageSpool(path.join(config.storageDir, 'usage-spool')) } : {}),
      ...(surrealTier && !surrealTier.isOpen ? { surrealDeferred: { isOpen: () => surrealTier.isOpen } } : {}),
      ...(sealer ? { usageSealing: usageSealing(sealer) } : {}),
      ledger,
      clock,
      logger: rootLogger,
      policiesOf: layerPolicies,
      applyPolicies: (policies) => cache.reconfigure(policies),
    });

    const traceLogger = rootLogger.child('trace');
    const pipeline = new WorkflowPipeline({
      cache,
      ledger,
      claude: () => (engine as CacheEngine).claude(),
      settings: () => {
        const current = (engine as CacheEngine).config;
        return {
          model: current.model,
          maxTokens: current.maxTokens,
          // `auto` starts a workflow with no provider caching until its calls show a TTL would pay (providerCacheFor).
          providerCache: current.providerCache === 'auto' ? 'off' : current.providerCache,
          ...withProviderCacheFor(tuning),
          secretsInSharedTiers: current.secrets.cacheInSharedTiers,
          budget: current.budget,
        };
      },
      onRunFinished: (request, result, durationMs) => {
        (engine as CacheEngine).lastRun = result;
        if (result.trace) traceLogger.debug(formatTraceText(result.trace));
        tuning.recordRun(request, result, durationMs);
      },
      onAnswer: (entry) => (engine as CacheEngine).answerStored(entry),
      workflows: options.workflows ?? discoverWorkflows,
      logger: rootLogger,
      observer: observers,
      ...(sharedFlight ? { flight: sharedFlight.flight } : {}),
    });
    const lifetime = new LifetimeCountersFile(path.join(config.storageDir, 'stats.json'));
    engine = new CacheEngine(config, cache, ledger, pipeline, openings, logger, options.apiKey, lifetime, tuning);
    engine.encrypted = 'codec' in sealing;
    engine.observers = observers;
    engine.problems = problems;
    engine.storageUsable = storageProblem === undefined;
    engine.alerts = new AlertMonitor({ clock, sample: () => engineAlertSample(engine as CacheEngine) });
    engine.alerts.start(ALERT_SAMPLE_MS);
    engine.memory = memory;
    engine.surrealStore = surrealTier;
    engine.closeFlight = sharedFlight?.close;
    if (surrealTier?.archive) engine.archive = new ArchivedAnswers(surrealTier.archive, codec, () => surrealTier.cleanup());
    if (surrealTier && !('codec' in sealing)) {
      // Off when values are sealed: the index would keep the prompts readable beside the encrypted answers.
      engine.similar = new SimilarAnswers(queryOn(surrealTier), (key) => surrealTier.get('result', key), codec, clock);
    }
    return engine;
  }

  get config(): CacheConfig {
    return this.currentConfig;
  }

  /**
   * How this process reaches SurrealDB right now (owner, client of another process, or, in a oneShot engine,
   * not opened yet because every read so far came from its entry files); undefined when the tier is off.
   */
  get surrealReach(): string | undefined {
    return this.surrealStore?.reach;
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
    this.memory?.setPinning(pinningPolicyOf(next.pinning));
    this.tuning.applyConfig(next);
    this.ledger.setPriceOverrides(validatePriceOverrides(next.prices).models);
    if (previous.apiBaseUrl !== next.apiBaseUrl || previous.requestTimeoutSeconds !== next.requestTimeoutSeconds) {
      this.client = undefined;
    }
    // Everything TieredCache.create and the stores were built from; any change there means building them again.
    const tierShape = (config: CacheConfig) =>
      JSON.stringify([
        config.redis,
        config.surreal,
        config.storageDir,
        config.writeMode,
        config.writeBehind,
        config.tiers,
        config.encryption,
        config.archive,
      ]);
    const reopenNeeded = tierShape(previous) !== tierShape(next);
    return { reopenNeeded };
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

  /**
   * Hit rates over every process that used this storage folder (editor windows and CLI runs), tier health and
   * sizes now, and the ledger's dollars.
   */
  async stats(): Promise<EngineStats> {
    // Other windows' and CLI runs' spend, saved since this process last read the ledger.
    await this.ledger.refresh();
    const [report, stored] = await Promise.all([this.cache.report(), this.lifetime.load()]);
    const counted = addCounters(stored, this.unflushed());
    const totals: LedgerTotals = this.ledger.totals();
    const layers = {} as EngineStats['layers'];
    for (const layer of LAYERS) {
      const { hits, misses } = counted.layers[layer];
      const { entries, bytes } = report.layers[layer];
      layers[layer] = { hits, misses, hitRate: hitRate(hits, misses), entries, bytes };
    }
    const tiers = {} as EngineStats['tiers'];
    for (const tier of TIERS) {
      const { status, reason, entries, bytes } = report.tiers[tier];
      // A configured tier that did not open is off in the cache, but down to the user, who set it up.
      const failed = this.openings.find((opening) => opening.tier === tier && opening.status === 'failed');
      const health = failed ? { status: 'down' as const, reason: failed.detail } : { status, ...(reason !== undefined ? { reason } : {}) };
      tiers[tier] = { ...health, hits: counted.tiers[tier].hits, entries, bytes };
    }
    return {
      layers,
      tiers,
      cost: {
        spentUsd: totals.spentUsd,
        savedUsd: totals.savedUsd,
        savedByLocalHitsUsd: totals.savedByLocalHitsUsd,
        savedByProviderCacheUsd: totals.savedByProviderCacheUsd,
        upstreamCalls: totals.upstreamCalls,
        avoidedCalls: totals.avoidedCalls,
      },
      tuning: this.tuning.stats(),
      alerts: await this.alerts.refresh(),
    };
  }

  /** Runs each item through the pipeline so its answers are cached; one failure does not stop the rest. */
  async prewarm(
    workspace: string,
    items: readonly PrewarmItem[],
    options: {
      signal?: AbortSignal;
      onProgress?: (done: number, total: number, outcome: PrewarmOutcome) => void;
      /** Whether the workspace is trusted: workflows' `!` commands run only then (see RunRequest.trustedWorkspace). */
      trustedWorkspace?: boolean;
    } = {},
  ): Promise<PrewarmOutcome[]> {
    const outcomes: PrewarmOutcome[] = [];
    for (const item of items) {
      if (options.signal?.aborted) break;
      let outcome: PrewarmOutcome;
      try {
        const result = await this.pipeline.run({
          workflow: item.workflow,
          workspace,
          params: { args: [...(item.args ?? [])], inputs: { ...(item.inputs ?? {}) } },
          ...(item.file ? { filePath: item.file } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          trustedWorkspace: options.trustedWorkspace === true,
          origin: 'prewarm',
        });
        outcome = { item, result };
      } catch (error) {
        outcome = { item, error: error instanceof Error ? error : new Error(String(error)) };
        this.logger.warn(`prewarm ${item.workflow}: ${describeError(error)}`);
      }
      outcomes.push(outcome);
      options.onProgress?.(outcomes.length, items.length, outcome);
    }
    return outcomes;
  }

  /** Hit and miss counts over every process that used this storage folder, without sizing the tiers (cheap). */
  async lifetimeCounts(): Promise<LifetimeCounters> {
    return addCounters(await this.lifetime.load(), this.unflushed());
  }

  /**
   * Prewarms this workspace's most often missed workflows from the usage log, most missed first, in the
   * background of whoever awaits it: cancellable through the signal, stopping before `maxUsd` (settings by
   * default). A candidate whose entries are still fresh is answered by the cache and costs no Claude call.
   */
  async prewarmFromUsage(
    workspace: string,
    options: Partial<Omit<UsagePrewarmOptions, 'signal' | 'onProgress'>> &
      Pick<UsagePrewarmOptions, 'signal' | 'onProgress'> & { trustedWorkspace?: boolean } = {},
  ): Promise<UsagePrewarmReport> {
    const limits = this.currentConfig.prewarm.fromUsage;
    const root = path.resolve(workspace);
    const report = await prewarmFromUsage(
      {
        records: () => this.tuning.log.read({ workspace: root }),
        run: async (item, signal) =>
          (await this.prewarm(root, [item], { ...(signal ? { signal } : {}), trustedWorkspace: options.trustedWorkspace === true }))[0] ?? { item },
      },
      {
        maxUsd: options.maxUsd ?? limits.maxUsd,
        maxItems: options.maxItems ?? limits.maxItems,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      },
    );
    this.logger.info(
      `prewarm from usage: ${report.outcomes.length} of ${report.candidates.length} runs, ` +
        `${report.upstreamCalls} Claude calls, ${formatDollars(report.spentUsd)} (${report.stoppedBy})`,
    );
    return report;
  }

  /** Adds what this process counted since the last flush to the shared stats file. */
  async flushStats(): Promise<void> {
    const delta = this.unflushed();
    const moved = LAYERS.some((layer) => delta.layers[layer].hits + delta.layers[layer].misses > 0);
    this.flushed = addCounters(this.flushed, delta);
    if (moved) await this.lifetime.add(delta);
  }

  /** Zeroes hit counts (here and in the shared file) and the ledger's totals. */
  async resetStats(): Promise<void> {
    this.cache.stats.reset();
    this.flushed = emptyCounters();
    await Promise.all([this.lifetime.reset(), this.ledger.reset()]);
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
        if (this.storageUsable) this.logger.warn(line);
        else this.logger.debug(line);
      }),
    ]);
    this.closeFlight?.();
  }

  /** What this process counted since the last flush; a reset of the cache's counters starts over from zero. */
  private unflushed(): LifetimeCounters {
    const session = emptyCounters();
    for (const layer of LAYERS) {
      session.layers[layer].hits = this.cache.stats.layers[layer].hits;
      session.layers[layer].misses = this.cache.stats.layers[layer].misses;
    }
    for (const tier of TIERS) session.tiers[tier].hits = this.cache.stats.tiers[tier].hits;
    const delta = addCounters(session, this.flushed, -1);
    const wentBack = LAYERS.some((layer) => delta.layers[layer].hits < 0 || delta.layers[layer].misses < 0);
    if (wentBack) {
      this.flushed = emptyCounters();
      return session;
    }
    return delta;
  }
}

const STATS_FLUSH_MS = 30_000;
const ALERT_SAMPLE_MS = 30_000;

function queryOn(store: SurrealStore) {
  return <T extends unknown[]>(text: string, bindings: Record<string, unknown>): Promise<T> => store.query<T>(text, bindings);
}

function withProviderCacheFor(tuning: SelfTuning): Pick<RunSettings, 'providerCacheFor'> {
  const choose = tuning.providerCacheFor();
  return choose ? { providerCacheFor: choose } : {};
}

export function layerPolicies(config: CacheConfig): Record<Layer, LayerPolicy> {
  const policies = {} as Record<Layer, LayerPolicy>;
  for (const layer of LAYERS) {
    policies[layer] = {
      ttlMs: config.layers[layer].ttlSeconds * 1000,
      maxEntryBytes: Math.round(config.layers[layer].maxEntryMB * 1024 * 1024),
    };
  }
  return policies;
}

export function memoryBudgets(config: CacheConfig): Record<Layer, number> {
  const budgets = {} as Record<Layer, number>;
  for (const layer of LAYERS) budgets[layer] = Math.round(config.layers[layer].memoryBudgetMB * 1024 * 1024);
  return budgets;
}

/**
 * The codec of the shared tiers: sealed when a key is given, plain when none is given and none is required,
 * or the reason the shared tiers must stay off (a required key is missing, or the given key is malformed).
 */
const PLAIN_CODEC: ValueCodec = { encode: encodeValue, decode: decodeValue };

function sharedTierCodec(config: CacheConfig, keyText: string | undefined): { codec: ValueCodec } | { plain: true } | { problem: string } {
  const plain = PLAIN_CODEC;
  if (keyText === undefined || keyText.trim() === '') {
    if (!config.encryption.enabled) return { plain: true };
    return {
      problem:
        'claudeCache.encryption.enabled is on but no encryption key is set (secret storage in VS Code, CLAUDE_CACHE_ENCRYPTION_KEY for the CLI); the shared tiers stay off',
    };
  }
  try {
    return { codec: new EncryptingCodec(plain, parseEncryptionKey(keyText)) };
  } catch (error) {
    return { problem: `${describeError(error)}; the shared tiers stay off rather than hold unencrypted values` };
  }
}

/**
 * Why the storage folder cannot hold the cache's files (ledger, counters, embedded SurrealDB), or undefined when it
 * can. Writing a probe file is the only test that also holds for root, to whom permission bits do not apply.
 * Codes per https://nodejs.org/api/errors.html#common-system-errors (EACCES / EPERM / EROFS: not writable;
 * ENOTDIR: a part of the path is a file).
 */
async function storageFolderProblem(dir: string): Promise<string | undefined> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return `read-only: ${code}`;
    if (code === 'ENOTDIR' || code === 'EEXIST') return `not a folder: ${code}`;
    return describeError(error);
  }
}

async function readRedisCa(file: string): Promise<string> {
  try {
    return await readFile(file.startsWith('~/') ? path.join(homedir(), file.slice(2)) : file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the Redis CA file ${file}: ${describeError(error)}`, { cause: error });
  }
}
