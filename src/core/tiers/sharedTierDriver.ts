import type { Clock } from '../clock';
import type { CacheConfig } from '../config';
import type { EncryptingCodec } from '../codec/encryptingCodec';
import type { EngineProblems } from '../engineProblems';
import type { SharedFlight } from '../flight';
import type { Logger } from '../logger';
import type { Store } from '../stores/store';
import type { InvalidationBus } from '../tiered/invalidationBus';
import type { LeavingRowsKeeper, SurrealQueryRunner } from '../stores/surreal/leavingRowsKeeper';
import type { SurrealTableExtension } from '../stores/surreal/surrealSchema';
import type { SurrealStore } from '../stores/surreal/surrealStore';

/** What a storage tier said when the engine opened it; a tier that failed to open is off for this session. */
export interface TierOpening {
  tier: string;
  status: 'up' | 'off' | 'failed';
  detail: string;
  /** What an open tier is connected to at this moment, where that changes while it runs ("cluster, 3 masters"). */
  liveDetail?: () => string;
}

/** Secrets a tier may need, from SecretStorage (extension) or the environment (CLI); never part of the config. */
export interface TierSecrets {
  redisPassword?: string;
  /** PEM file of a private CA for `rediss://` (CLAUDE_CACHE_REDIS_CA_FILE); overrides `redis.caFile`. */
  redisCaFile?: string;
  surrealPassword?: string;
}

/** Everything a driver may use to open its tier. */
export interface TierOpenContext {
  config: CacheConfig;
  secrets: TierSecrets;
  clock: Clock;
  logger: Logger;
  /** Where the tier reports what the user must see (a refused password), and resolves it once it answers. */
  problems: EngineProblems;
  /** The codec that seals values at rest, when encryption is on: a tier may mark its namespace with it. */
  sealer: EncryptingCodec | undefined;
  /**
   * Why no shared tier may open this session (encryption is required and no usable key is set): a tier that is
   * configured must then report `failed` with this reason and write nothing; one that is not configured is `off`.
   */
  keptOff: string | undefined;
  /** Why the storage folder cannot be written, if it cannot: a tier that keeps files there stays off. */
  storageProblem: string | undefined;
  /** A process that runs one command and exits (the CLI): open lazily what a hit does not need. */
  oneShot: boolean;
  /**
   * What features built on a tier's database add to it (the similar-answer index's field, the archive of leaving
   * rows): given by the engine, so a store never imports the features that use it.
   */
  databaseFeatures: DatabaseFeatures;
}

export interface DatabaseFeatures {
  tableExtensions: readonly SurrealTableExtension[];
  /** Built with the store's own query runner; absent when nothing keeps leaving rows (the archive is off). */
  keepLeavingRows?: (run: SurrealQueryRunner) => LeavingRowsKeeper;
}

/** A tier the driver opened, with what it offers beyond being a Store. */
export interface OpenedSharedTier {
  store: Store<Uint8Array>;
  opening: TierOpening;
  /**
   * True when other instances read and write this same store (Redis, a SurrealDB server): their invalidations
   * already reached it, so a message from the bus only clears what is private to this process.
   */
  sharedWithOthers: boolean;
  /** True when the tier reports its own trouble to the user (a connection's errors say why); else observed health does. */
  reportsOwnHealth: boolean;
  /** Carries invalidations between instances (pub/sub); the first tier offering one is the cache's bus. */
  bus?: InvalidationBus;
  /**
   * Cross-instance single-flight on this tier (a lock per key): one Claude call per key across every process
   * sharing it. `available` says whether the tier answers now.
   */
  openFlight?: (available: () => boolean, options: FlightOptions) => { flight: SharedFlight; close: () => void };
  /**
   * The SurrealDB database behind this tier: the usage log, the archive and similar-answer search keep their
   * tables there. `embedded` when it lives in the storage folder (private to this machine).
   */
  surreal?: { store: SurrealStore; embedded: boolean };
}

export interface FlightOptions {
  commandTimeoutMs: number;
  maxWaitMs: number;
  logger: Logger;
  lockTtlMs?: number;
  pollIntervalMs?: number;
}

/** What opening returned: a usable tier, or why there is none this session (the opening says). */
export type TierOpenResult = { opened: OpenedSharedTier } | { opening: TierOpening };

/**
 * A shared storage tier (beyond this process's memory): a name, a label for people, the settings section a user
 * fixes it in, and how to open it from the config. The registry (tierRegistry.ts) lists them fastest first.
 */
export interface SharedTierDriver<Name extends string = string> {
  readonly name: Name;
  readonly label: string;
  /** The settings section of the tier, e.g. `claudeCache.redis`: where a problem with it is fixed. */
  readonly settings: string;
  /** Its part of CacheConfig (`redis`): a change there reopens the tiers. */
  readonly configSection: keyof CacheConfig;
  /** Opens the tier, or says why it is off; never throws for a tier that is down (the cache runs without it). */
  open(context: TierOpenContext): Promise<TierOpenResult>;
}
