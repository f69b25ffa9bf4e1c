import path from 'node:path';
import { systemClock, type Clock } from '../clock';
import { EncryptingCodec } from '../codec/encryptingCodec';
import { CostLedger, JsonFileLedgerPersistence, validatePriceOverrides } from '../cost';
import { EngineProblems } from '../engineProblems';
import { DEFAULT_LOCK_TTL_MS, type SharedFlight } from '../flight';
import { silentLogger, type Logger } from '../logger';
import { lz4Unavailable } from '../native/nativeModules';
import { ObservedStore } from '../observe/observedStore';
import { ObserverSet } from '../observe/observerSet';
import { redactingLogger } from '../security/redactingLogger';
import { LifetimeCountersFile } from '../stats/lifetimeCounters';
import { SessionCounters } from '../stats/sessionCounters';
import { MemoryStore } from '../stores/memory/memoryStore';
import { pinningPolicyOf } from '../stores/memory/pinning/pinningPolicy';
import { LAYER_VALUE_SCHEMAS } from '../tiered/layerValueSchemas';
import { TieredCache } from '../tiered/tieredCache';
import type { ValueCodec } from '../tiered/tierTypes';
import type { DatabaseFeatures, TierOpening } from '../tiers/sharedTierDriver';
import { SurrealArchive } from '../archive/surrealArchive';
import { SIMILAR_TABLE_EXTENSION } from '../similar/similarSchema';
import { SelfTuning } from '../tuning/selfTuning';
import { usageSealing } from '../usage/usageSealing';
import { UsageSpool } from '../usage/usageSpool';
import type { EngineOptions } from './engineOptions';
import { layerPolicies, memoryBudgets } from './layerPolicies';
import { tierLabel } from '../tiers/tierRegistry';
import { openSharedTiers, type OpenTier } from './openSharedTiers';
import { PLAIN_CODEC, sharedTierCodec } from './sharedTierCodec';
import { storageFolderProblem } from './storageFolder';

/** Everything the engine is made of, opened from one CacheConfig before the engine is constructed. */
export interface EngineParts {
  options: EngineOptions;
  clock: Clock;
  /** Redacts the secrets the engine knows (see knownSecrets) from every line. */
  rootLogger: Logger;
  logger: Logger;
  observers: ObserverSet;
  problems: EngineProblems;
  /** False when the storage folder cannot be written: what is saved there is lost, which was reported once. */
  storageUsable: boolean;
  openings: TierOpening[];
  memory: MemoryStore;
  cache: TieredCache;
  codec: ValueCodec;
  /** True when values in the shared tiers are sealed with AES-256-GCM. */
  encrypted: boolean;
  ledger: CostLedger;
  counters: SessionCounters;
  tuning: SelfTuning;
  /** The tier offering SurrealQL (usage log, archive, similar answers), if one is open. */
  surreal: OpenTier['surreal'];
  /** Expired and pruned answers kept in that database; undefined when it is off or the archive is. */
  archive: SurrealArchive | undefined;
  flight: { flight: SharedFlight; close: () => void } | undefined;
}

/**
 * Opens the engine's parts: the storage folder, every registered shared tier (tiers/tierRegistry.ts), the tiered
 * cache over them, the ledger, the counters and the self-tuning. Never fails because a shared tier is down: the
 * cache runs on what it has and the openings say the rest. `apiKey` is read when a line is logged, so a key set
 * later is redacted too.
 */
export async function openEngineParts(options: EngineOptions, apiKey: () => string | undefined): Promise<EngineParts> {
  const config = options.config;
  const knownSecrets = (): string[] =>
    [apiKey(), options.surrealPassword, options.redisPassword, options.encryptionKey].filter(
      (secret): secret is string => typeof secret === 'string' && secret !== '',
    );
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
  const memory = new MemoryStore({ budgets: memoryBudgets(config), clock, pinning: pinningPolicyOf(config.pinning) });
  const sealing = sharedTierCodec(config, options.encryptionKey);
  const codec: ValueCodec = 'codec' in sealing ? sealing.codec : PLAIN_CODEC;
  // One line for every shared tier: they are off for the same reason.
  if ('problem' in sealing) problems.report('encryption-key', sealing.problem);
  const sealer = 'codec' in sealing && sealing.codec instanceof EncryptingCodec ? sealing.codec : undefined;

  // The archive keeps copies of answers as they leave the database; the store builds it on its own connection.
  const kept: { archive?: SurrealArchive } = {};
  const archiveMax = Math.floor(config.archive.maxEntries);
  const databaseFeatures: DatabaseFeatures = {
    tableExtensions: [SIMILAR_TABLE_EXTENSION],
    ...(archiveMax > 0 ? { keepLeavingRows: (run) => (kept.archive = new SurrealArchive(run, { maxEntries: archiveMax, clock })) } : {}),
  };
  const { tiers, openings } = await openSharedTiers(
    {
      config,
      secrets: options,
      clock,
      logger,
      problems,
      sealer,
      keptOff: 'problem' in sealing ? sealing.problem : undefined,
      storageProblem,
      oneShot: options.oneShot === true,
      databaseFeatures,
    },
    (opening) => storageProblem !== undefined && opening.detail.includes(storageProblem),
  );
  // A native binary missing on this machine turns its feature off, never the extension (see native/nativeModules.ts).
  // A one-shot process loads lz4 when a value needs it, and a value that cannot be read says why.
  const lz4Missing = options.oneShot ? undefined : lz4Unavailable();
  if (lz4Missing) logger.warn(lz4Missing.message);

  const busTier = tiers.find((tier) => tier.bus !== undefined);
  const cache = await TieredCache.create({
    memory,
    // Shared tiers report their reads (and latency) to the observers; memory is not wrapped, its hits stay untimed.
    shared: tiers.map((tier) => ({ tier: tier.tier, store: new ObservedStore(tier.store, observers), sharedWithOthers: tier.sharedWithOthers })),
    codec,
    // Every value read back from a shared tier is checked against its layer's shape before use.
    layerValues: LAYER_VALUE_SCHEMAS,
    logger: rootLogger.child('cache'),
    layers: layerPolicies(config),
    writeMode: config.writeMode,
    writeBehind: config.writeBehind,
    tierTimeoutMs: config.tiers.timeoutMs,
    breaker: { threshold: config.tiers.breakerThreshold, cooldownMs: config.tiers.breakerCooldownMs },
    ...(busTier?.bus ? { bus: { bus: busTier.bus, tier: busTier.tier } } : {}),
    clock,
  });
  reportTierHealth(cache, tiers, logger, problems);

  const flightTier = tiers.find((tier) => tier.openFlight !== undefined);
  const flight = flightTier?.openFlight?.(() => cache.tierStatus(flightTier.tier) !== 'down', {
    commandTimeoutMs: Math.max(config.tiers.timeoutMs, 250),
    maxWaitMs: config.requestTimeoutSeconds * 1000 + (options.flight?.lockTtlMs ?? DEFAULT_LOCK_TTL_MS),
    logger: rootLogger,
    ...(options.flight?.lockTtlMs !== undefined ? { lockTtlMs: options.flight.lockTtlMs } : {}),
    ...(options.flight?.pollIntervalMs !== undefined ? { pollIntervalMs: options.flight.pollIntervalMs } : {}),
  });

  const ledger = await CostLedger.open({
    persistence: new JsonFileLedgerPersistence(path.join(config.storageDir, 'ledger.json')),
    clock,
    priceOverrides: validatePriceOverrides(config.prices).models,
    // An unusable storage folder was reported once already; each failed save would only repeat it.
    onProblem: (problem) => (storageProblem === undefined ? logger.warn(problem.message) : logger.debug(problem.message)),
  });

  const surreal = tiers.find((tier) => tier.surreal !== undefined)?.surreal;
  const surrealStore = surreal?.store;
  const tuning = await SelfTuning.open({
    config,
    ...(surrealStore ? { surreal: (text, bindings) => surrealStore.query(text, bindings) } : {}),
    ...(surreal?.embedded ? { usageSpool: new UsageSpool(path.join(config.storageDir, 'usage-spool')) } : {}),
    ...(surrealStore && !surrealStore.isOpen ? { surrealDeferred: { isOpen: () => surrealStore.isOpen } } : {}),
    ...(sealer ? { usageSealing: usageSealing(sealer) } : {}),
    ledger,
    clock,
    logger: rootLogger,
    policiesOf: layerPolicies,
    applyPolicies: (policies) => cache.reconfigure(policies),
  });

  return {
    options,
    clock,
    rootLogger,
    logger,
    observers,
    problems,
    storageUsable: storageProblem === undefined,
    openings,
    memory,
    cache,
    codec,
    encrypted: 'codec' in sealing,
    ledger,
    counters: new SessionCounters(new LifetimeCountersFile(path.join(config.storageDir, 'stats.json')), cache.stats),
    tuning,
    surreal,
    archive: surreal ? kept.archive : undefined,
    flight,
  };
}

/**
 * The breaker's view (routing) goes to the log; what a user must see comes from observed health, for a tier that
 * does not report its own trouble (a Redis connection's errors say why, and are reported where it is opened).
 */
function reportTierHealth(cache: TieredCache, tiers: readonly OpenTier[], logger: Logger, problems: EngineProblems): void {
  cache.events.on('tierStatus', ({ tier, status }) =>
    logger.info(status === 'up' ? `${tier} tier is up again` : `${tier} tier is now ${status} (skipped for a while)`),
  );
  const reportedHere = new Set(tiers.filter((tier) => !tier.reportsOwnHealth).map((tier) => tier.tier));
  cache.events.on('tierHealth', ({ tier, status, reason }) => {
    logger.info(`${tier} tier ${status}${reason ? `: ${reason}` : ''}`);
    if (tier === 'memory' || !reportedHere.has(tier)) return;
    if (status === 'up') problems.resolve(tier);
    else problems.report(tier, `${tierLabel(tier)} tier ${status}: ${reason ?? 'failing'}; running without it until it answers`);
  });
}
