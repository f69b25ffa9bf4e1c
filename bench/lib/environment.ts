import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { startRedisServer, type RedisServerHandle } from '../../test/helpers/servers/redisServer';

/** What the results were measured on; the README quotes it next to the ratios. */
export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  node: string;
  redis: string;
  packages: Record<string, string>;
  gcExposed: boolean;
}

/** One bench run's servers and scratch space: a redis-server it started and a temp folder it removes. */
export interface BenchEnvironment {
  root: string;
  redis: RedisServerHandle;
  /** Plain connection for FLUSHDB, MEMORY USAGE and INFO. */
  admin: Redis;
  scratch: string;
  /** A fresh folder under the scratch folder. */
  tempDir(name: string): Promise<string>;
  close(): Promise<void>;
}

const PACKAGES = ['lru-cache', 'ioredis', 'msgpackr', 'lz4-napi', 'surrealdb', '@surrealdb/node', 'bentocache', 'cache-manager', 'keyv', '@keyv/redis'];

export async function openEnvironment(root: string): Promise<BenchEnvironment> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'claude-cache-bench-'));
  let redis: RedisServerHandle;
  try {
    redis = await startRedisServer();
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
  const admin = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await admin.connect();
  let counter = 0;
  return {
    root,
    redis,
    admin,
    scratch,
    async tempDir(name: string) {
      return mkdtemp(path.join(scratch, `${name}-${++counter}-`));
    },
    async close() {
      admin.disconnect();
      await redis.stop();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

export async function describeMachine(environment: BenchEnvironment): Promise<MachineInfo> {
  const info = await environment.admin.info('server');
  const packages: Record<string, string> = {};
  for (const name of PACKAGES) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(environment.root, 'node_modules', name, 'package.json'), 'utf8')) as {
        version?: string;
      };
      packages[name] = manifest.version ?? '?';
    } catch {
      packages[name] = 'missing';
    }
  }
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
    packages,
    gcExposed: typeof globalThis.gc === 'function',
  };
}

/** A full collection when node runs with --expose-gc; heap figures are only trustworthy then. */
export function collectGarbage(): void {
  if (typeof globalThis.gc === 'function') {
    globalThis.gc();
    globalThis.gc();
  }
}
