import type { Layer } from '../layers';

/**
 * How the API's own prompt cache is asked to keep the stable prefix: not at all, 5 minutes, 1 hour, or `auto`
 * (5 minutes or 1 hour per workflow, from the observed gaps between its calls).
 */
export type ProviderCacheMode = 'off' | '5m' | '1h' | 'auto';

/** write-through: every tier is written before a put resolves; write-behind: slower tiers are written in batches. */
export type WriteMode = 'write-through' | 'write-behind';

/** standalone: one server at redis.url; cluster: a Redis Cluster from seed nodes; sentinel: a master sentinels name. */
export type RedisMode = 'standalone' | 'cluster' | 'sentinel';

/** Per-layer limits. */
export interface LayerConfig {
  /** How long an entry of this layer stays valid, in seconds. */
  readonly ttlSeconds: number;
  /** Memory the in-process tier may spend on this layer, in MiB. */
  readonly memoryBudgetMB: number;
  /** Largest encoded value this layer caches, in MiB; a larger one is returned to the caller but not stored. */
  readonly maxEntryMB: number;
}

/** A model's prices in USD per million tokens; any field left out keeps the built-in price table's value. */
export interface PriceOverride {
  readonly input?: number;
  readonly output?: number;
  readonly cacheWrite5m?: number;
  readonly cacheWrite1h?: number;
  readonly cacheRead?: number;
}

/** One workflow to run when prewarming, as a user would run it. */
export interface PrewarmWorkflow {
  /** Workflow name: a built-in (`review-file`) or a workflow file's name (`frontend:lint`). */
  readonly workflow: string;
  /** Positional words passed to the workflow. */
  readonly args?: readonly string[];
  /** Named inputs (`--arg name=value`). */
  readonly inputs?: Readonly<Record<string, string>>;
  /** File the workflow reads, relative to the workspace. */
  readonly file?: string;
}

/**
 * Everything the engine is configured with, validated. Holds no secrets: the API key and any store passwords
 * come from secret storage or the environment, never from here. Field names mirror the `claudeCache.*`
 * settings one for one (see CONFIG_KEYS).
 */
export interface CacheConfig {
  /** Claude model id used for workflow runs. */
  readonly model: string;
  /** Upper bound on tokens Claude may generate per run. */
  readonly maxTokens: number;
  /** Base URL of the Anthropic API; '' uses the SDK's default. */
  readonly apiBaseUrl: string;
  /** How long one Claude request may take before it is abandoned, in seconds. */
  readonly requestTimeoutSeconds: number;
  /** Provider-side prompt caching of the stable prompt prefix. */
  readonly providerCache: ProviderCacheMode;
  /** Limits per cache layer. */
  readonly layers: Readonly<Record<Layer, LayerConfig>>;
  /** How puts reach the slower tiers. */
  readonly writeMode: WriteMode;
  readonly writeBehind: {
    /** Longest a write-behind entry waits before it is flushed, in milliseconds. */
    readonly flushIntervalMs: number;
    /** Most entries written to a slow tier in one batch. */
    readonly maxBatch: number;
  };
  readonly redis: {
    /** `redis://` or `rediss://` URL without a password; '' turns the Redis tier off. */
    readonly url: string;
    /** Prefix of every Redis key, so several tools can share one Redis. */
    readonly keyPrefix: string;
    /** PEM file of a private CA for `rediss://`; '' trusts the system's CAs. A path, not a secret. */
    readonly caFile: string;
    /** How the Redis tier is reached; cluster and sentinel take their servers from `nodes`. */
    readonly mode: RedisMode;
    /** Cluster seeds or sentinels as `host:port` (validated); unused in standalone mode. */
    readonly nodes: readonly string[];
    /** The master group name sentinels monitor; sentinel mode only. */
    readonly sentinelName: string;
  };
  readonly tiers: {
    /** Per-operation timeout after which a tier counts as failing, in milliseconds. */
    readonly timeoutMs: number;
    /** Consecutive failures that open a tier's circuit breaker. */
    readonly breakerThreshold: number;
    /** How long an open breaker skips its tier before trying it again, in milliseconds. */
    readonly breakerCooldownMs: number;
  };
  readonly surreal: {
    /** '' = embedded `surrealkv://` in storageDir; otherwise a `surrealkv://`, `mem://`, `ws://` or `wss://` URL. */
    readonly url: string;
    readonly namespace: string;
    readonly database: string;
    /** User for a remote SurrealDB; '' for the embedded engine. Its password never lives in settings. */
    readonly username: string;
    /** Most entries kept in SurrealDB before the oldest are evicted. */
    readonly maxEntries: number;
  };
  /**
   * Folder for on-disk state (the embedded SurrealDB, the ledger). The setting's '' means defaultStorageDir();
   * a config returned by resolveConfig always holds the absolute folder actually used.
   */
  readonly storageDir: string;
  /** Price overrides per model id, merged over the built-in dated price table. */
  readonly prices: Readonly<Record<string, PriceOverride>>;
  /** Dollar caps per local calendar day, checked before a run calls Claude (never for a cached answer); 0 = none. */
  readonly budget: {
    readonly dailyUsd: number;
    readonly perWorkflowUsd: number;
  };
  readonly prewarm: {
    /** Workflows the prewarm command runs. */
    readonly workflows: readonly PrewarmWorkflow[];
    /** Run prewarm when the editor starts. */
    readonly onStartup: boolean;
    /** Prewarming from the usage log: this workspace's most often missed workflows. */
    readonly fromUsage: {
      /** Run it when the editor starts. */
      readonly onStartup: boolean;
      /** Most dollars one prewarm from usage may spend; it stops before a run that would pass it. */
      readonly maxUsd: number;
      /** Most workflow runs it makes. */
      readonly maxItems: number;
    };
  };
  /** The usage log's retention bounds. */
  readonly usage: {
    readonly retentionDays: number;
    readonly maxRecords: number;
  };
  /** TTL tuning from the usage log, within per-layer bounds. */
  readonly ttlTuning: {
    readonly enabled: boolean;
    readonly layers: Readonly<Record<Layer, { readonly minSeconds: number; readonly maxSeconds: number }>>;
  };
  readonly encryption: {
    /**
     * Encryption at rest of values in Redis and SurrealDB is required. The key (never in settings) comes from
     * secret storage or CLAUDE_CACHE_ENCRYPTION_KEY; a key given while this is off is still used.
     */
    readonly enabled: boolean;
  };
  readonly archive: {
    /** Most expired or pruned answers the SurrealDB archive keeps for browsing; 0 turns it off. */
    readonly maxEntries: number;
  };
  /** Frequently read entries stay in the memory tier ahead of LRU order, within a share of each layer's budget. */
  readonly pinning: {
    readonly enabled: boolean;
    /** Decayed reads after which an entry is pinned instead of evicted. */
    readonly hitThreshold: number;
    /** Most of each layer's memory budget pinned entries may hold, in percent. */
    readonly maxSharePercent: number;
    /** Every half-life an entry's earlier reads count half as much. */
    readonly halfLifeMinutes: number;
  };
  readonly secrets: {
    /** Runs whose prompt or context holds a likely secret may be cached in the shared tiers, not only in memory. */
    readonly cacheInSharedTiers: boolean;
  };
  readonly metrics: {
    /** Port on 127.0.0.1 serving Prometheus metrics at /metrics; 0 = off. */
    readonly port: number;
  };
  readonly alerts: {
    /** Notify (rate-limited) when an alert is raised; alerts are listed in the tree and stats regardless. */
    readonly notifications: boolean;
  };
}
