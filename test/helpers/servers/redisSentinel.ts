import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../../tools/common/freePort';
import { assertRedisInstalled, spawnServer, terminate } from './redisServer';

const run = promisify(execFile);
const REDIS_CLI = process.env.REDIS_CLI_BIN ?? '/usr/bin/redis-cli';
const READY_TIMEOUT_MS = 30_000;

/** A master, its replica and one sentinel watching them, on loopback, owned by this test run. */
export interface RedisSentinelHandle {
  /** The master group name the sentinel monitors. */
  readonly name: string;
  readonly sentinel: { host: string; port: number };
  readonly masterPort: number;
  readonly replicaPort: number;
  /** How long start took (three servers, replica synced, sentinel aware of it), in milliseconds. */
  readonly startMs: number;
  /** The master's port as the sentinel names it now. */
  currentMaster(): Promise<number>;
  /** SIGKILL one of the two data servers. */
  kill(port: number): Promise<void>;
  /** Stops everything and removes the folder. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts the Debian redis-server three times: a master, a replica of it, and a sentinel (`--sentinel`, quorum 1,
 * down after 1 s) monitoring it as `name`; resolves once the replica is synced and the sentinel knows it, so a
 * failover can happen. Rejects, leaving nothing running, when any step fails.
 */
export async function startRedisSentinel(name = 'mymaster'): Promise<RedisSentinelHandle> {
  assertRedisInstalled();
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'claude-cache-sentinel-'));
  const processes = new Map<number, ChildProcess>();
  const stop = async (): Promise<void> => {
    const children = [...processes.values()];
    processes.clear();
    await Promise.all(children.map((child) => terminate(child, 'SIGKILL')));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const [masterPort, replicaPort, sentinelPort] = (await distinctFreePorts(3)) as [number, number, number];
    // A replica saves what it syncs to dump.rdb in its folder, whatever --save says: keep it out of the checkout.
    // No 5 s wait for more replicas before the first sync.
    processes.set(masterPort, await spawnServer(masterPort, ['--dir', dir, '--repl-diskless-sync-delay', '0']));
    processes.set(replicaPort, await spawnServer(replicaPort, ['--dir', dir, '--replicaof', '127.0.0.1', String(masterPort)]));
    // The sentinel rewrites its config file as it learns: it must be a writable file of its own.
    const config = join(dir, 'sentinel.conf');
    await writeFile(
      config,
      [
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 5000`,
        '',
      ].join('\n'),
    );
    processes.set(sentinelPort, await spawnServer(sentinelPort, [config, '--sentinel']));
    await waitFor(async () => {
      const { stdout } = await cli(replicaPort, 'info', 'replication');
      return stdout.includes('master_link_status:up');
    }, 'the replica to sync with the master');
    await waitFor(async () => {
      const { stdout } = await cli(sentinelPort, 'sentinel', 'replicas', name);
      return stdout.includes(String(replicaPort));
    }, 'the sentinel to discover the replica');
    return {
      name,
      sentinel: { host: '127.0.0.1', port: sentinelPort },
      masterPort,
      replicaPort,
      startMs: Date.now() - started,
      async currentMaster() {
        const { stdout } = await cli(sentinelPort, 'sentinel', 'get-master-addr-by-name', name);
        return Number(stdout.trim().split('\n')[1]);
      },
      async kill(port) {
        const child = processes.get(port);
        processes.delete(port);
        if (child) await terminate(child, 'SIGKILL');
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${READY_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function cli(port: number, ...args: string[]): Promise<{ stdout: string }> {
  return run(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5_000 });
}
