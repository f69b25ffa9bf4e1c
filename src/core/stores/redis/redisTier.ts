import { homedir } from 'node:os';
import path from 'node:path';
import { describeError } from '../../errors';
import { openRedisFlight } from '../../flight';
import { readFile } from '../../io/fileOps';
import { redactUrl } from '../../security/redactUrl';
import { EncryptedNamespaceGuard, namespaceMarker } from '../../security/encryptedNamespace';
import type { TierOpenContext, TierOpenResult } from '../../tiers/sharedTierDriver';
import { describeRedisError } from './redisConnectionError';
import { describeTopology, redisTopologyFromConfig } from './redisTopology';

/**
 * Opens the Redis tier from `claudeCache.redis.*`: the store (connecting in the background, so a Redis that is
 * down at start never keeps the engine from opening), the invalidation bus on the same client, the encrypted
 * namespace guard, and the cross-instance single-flight. Off when no URL is set.
 */
export async function openRedisTier(context: TierOpenContext): Promise<TierOpenResult> {
  const { config, secrets, problems, clock } = context;
  let topology: ReturnType<typeof redisTopologyFromConfig>;
  try {
    topology = redisTopologyFromConfig(config.redis, secrets.redisPassword);
  } catch (error) {
    topology = { problem: `cannot use ${redactUrl(config.redis.url)}: ${describeError(error)}` };
  }
  if (!topology) return { opening: { tier: 'redis', status: 'off', detail: 'no claudeCache.redis.url set' } };
  if ('problem' in topology) return { opening: { tier: 'redis', status: 'failed', detail: topology.problem } };
  // Never write readable values where encryption was asked for: the tier stays off instead.
  if (context.keptOff !== undefined) return { opening: { tier: 'redis', status: 'failed', detail: context.keptOff } };
  try {
    const caFile = secrets.redisCaFile || config.redis.caFile;
    const tlsCa = caFile ? await readRedisCa(caFile) : undefined;
    // Loaded only here: with the Redis tier off (a CLI run, a machine alone) ioredis is never loaded.
    const [{ RedisStore }, { RedisInvalidationBus }] = await Promise.all([import('./redisStore'), import('./redisInvalidationBus')]);
    const redis = RedisStore.create({
      topology: topology.topology,
      ...(tlsCa ? { tlsCa } : {}),
      keyPrefix: config.redis.keyPrefix,
      clock,
      commandTimeoutMs: config.tiers.timeoutMs,
    });
    const bus = RedisInvalidationBus.forClient(redis.client, { keyPrefix: config.redis.keyPrefix });
    const redisWhere = redactUrl(config.redis.url);
    // What the connection itself reports (a refused login, nothing listening) is the clearest reason there is.
    redis.events.on('error', (error) =>
      problems.report('redis', `Redis tier unavailable (${redisWhere}): ${describeRedisError(error)}; running without it until it answers`),
    );
    redis.onReady(() => problems.resolve('redis'));
    // A namespace another key (or no key) encrypted is left alone: see encryptedNamespace.ts.
    const namespace = new EncryptedNamespaceGuard(redis, {
      client: redis.client,
      keyPrefix: config.redis.keyPrefix,
      marker: context.sealer ? namespaceMarker(context.sealer) : undefined,
      clock,
      onLocked: (problem) => problems.report('encryption-key', problem),
      onUnlocked: () => problems.resolve('encryption-key'),
    });
    const standalone = config.redis.mode === 'standalone';
    return {
      opened: {
        store: namespace,
        opening: {
          tier: 'redis',
          status: 'up',
          detail: standalone ? redisWhere : describeTopology(topology.topology),
          ...(standalone ? {} : { liveDetail: () => redis.describeConnection() }),
        },
        sharedWithOthers: true,
        reportsOwnHealth: true,
        bus,
        openFlight: (available, options) =>
          openRedisFlight(redis.client, {
            keyPrefix: config.redis.keyPrefix,
            commandTimeoutMs: options.commandTimeoutMs,
            maxWaitMs: options.maxWaitMs,
            available: () => available() && namespace.usable !== false,
            logger: options.logger,
            ...(options.lockTtlMs !== undefined ? { lockTtlMs: options.lockTtlMs } : {}),
            ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
          }),
      },
    };
  } catch (error) {
    return { opening: { tier: 'redis', status: 'failed', detail: `cannot use ${redactUrl(config.redis.url)}: ${describeError(error)}` } };
  }
}

async function readRedisCa(file: string): Promise<string> {
  try {
    return await readFile(file.startsWith('~/') ? path.join(homedir(), file.slice(2)) : file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the Redis CA file ${file}: ${describeError(error)}`, { cause: error });
  }
}
