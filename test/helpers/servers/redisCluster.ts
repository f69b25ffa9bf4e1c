import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../../tools/common/freePort';
import { assertRedisInstalled, spawnServer, terminate } from './redisServer';

const run = promisify(execFile);
const REDIS_CLI = process.env.REDIS_CLI_BIN ?? '/usr/bin/redis-cli';
const HEALTHY_TIMEOUT_MS = 30_000;

/** One redis-server of the cluster. */
export interface ClusterNode {
  readonly port: number;
  /** Whether this test run's process for it is running. */
  readonly running: boolean;
}

/** A Redis Cluster on loopback that this test run owns. */
export interface RedisClusterHandle {
  readonly nodes: readonly ClusterNode[];
  /** Every node's address, to use as seeds. */
  readonly seeds: ReadonlyArray<{ host: string; port: number }>;
  /** How long start took (spawn, create, wait for cluster_state:ok), in milliseconds. */
  readonly startMs: number;
  /** Ports of the nodes that serve slots now, as the cluster itself says (CLUSTER NODES of a live node). */
  masters(): Promise<number[]>;
  /** SIGKILL one node: its clients see the connection drop without a goodbye. */
  kill(port: number): Promise<void>;
  /**
   * Starts a killed node again on its port, with its node id and config file, so it rejoins the cluster (as a
   * replica when another node took its slots meanwhile); waitHealthy() then waits for it to sync.
   */
  restart(port: number): Promise<void>;
  /** Resolves when every live node reports cluster_state:ok, every slot's master is alive and every replica synced. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** Stops every node and removes the config folder. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts `masters` masters with `replicasPerMaster` replicas each from the Debian redis-server (cluster mode,
 * node timeout 1 s, no persistence) on free loopback ports, creates the cluster with `redis-cli --cluster create`
 * and waits for cluster_state:ok. Rejects, leaving nothing running, when any step fails.
 */
export async function startRedisCluster(
  options: { masters?: number; replicasPerMaster?: number } = {},
): Promise<RedisClusterHandle> {
  assertRedisInstalled();
  const started = Date.now();
  const masters = options.masters ?? 3;
  const replicas = options.replicasPerMaster ?? 1;
  const dir = await mkdtemp(join(tmpdir(), 'claude-cache-cluster-'));
  const processes = new Map<number, ChildProcess | undefined>();
  const busPorts = new Map<number, number>();

  const spawnNode = async (port: number): Promise<void> => {
    const args = [
      '--cluster-enabled', 'yes',
      // The bus port is chosen too: port + 10000 may be above 65535 or taken.
      '--cluster-port', String(busPorts.get(port)),
      '--cluster-config-file', join(dir, `nodes-${port}.conf`),
      '--cluster-node-timeout', '1000',
      // A replica takes over however long ago it last heard its master: tests kill masters on purpose.
      '--cluster-replica-validity-factor', '0',
      // A master syncs its replica at once instead of waiting 5 s for more replicas to join.
      '--repl-diskless-sync-delay', '0',
      '--dir', dir,
    ];
    processes.set(port, await spawnServer(port, args));
  };

  const stopAll = async (): Promise<void> => {
    const children = [...processes.values()].filter((child): child is ChildProcess => child !== undefined);
    processes.clear();
    await Promise.all(children.map((child) => terminate(child, 'SIGKILL')));
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const ports: number[] = [];
    while (ports.length < masters * (1 + replicas)) {
      const port = await freePort();
      const bus = await freePort();
      if (port === bus || ports.includes(port) || ports.includes(bus) || [...busPorts.values()].includes(port)) continue;
      ports.push(port);
      busPorts.set(port, bus);
    }
    await Promise.all(ports.map(spawnNode));
    await run(REDIS_CLI, [
      '--cluster', 'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas', String(replicas),
      '--cluster-yes',
    ]);
    const handle: RedisClusterHandle = {
      nodes: ports.map((port) => ({
        port,
        get running() {
          return processes.get(port) !== undefined;
        },
      })),
      seeds: ports.map((port) => ({ host: '127.0.0.1', port })),
      startMs: 0,
      async masters() {
        const table = await clusterNodes(livePorts());
        return table.filter((node) => node.master && !node.failed && node.slots).map((node) => node.port);
      },
      async kill(port) {
        const child = processes.get(port);
        processes.set(port, undefined);
        if (child) await terminate(child, 'SIGKILL');
      },
      async restart(port) {
        await handle.kill(port);
        await spawnNode(port);
      },
      async waitHealthy(timeoutMs = HEALTHY_TIMEOUT_MS) {
        const deadline = Date.now() + timeoutMs;
        let last = '';
        for (;;) {
          try {
            last = await healthProblem(livePorts());
            if (last === '') return;
          } catch (error) {
            last = String(error);
          }
          if (Date.now() > deadline) throw new Error(`the Redis Cluster did not become healthy in ${timeoutMs} ms: ${last}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
      stop: stopAll,
    };
    const livePorts = (): number[] => ports.filter((port) => processes.get(port) !== undefined);
    await handle.waitHealthy();
    // Replicas must have synced before a test kills a master, or there is nothing to fail over to.
    await waitForReplicas(ports, masters * replicas);
    return { ...handle, startMs: Date.now() - started, nodes: handle.nodes };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

interface NodeRow {
  port: number;
  master: boolean;
  failed: boolean;
  /** Serves at least one slot. */
  slots: boolean;
}

/** CLUSTER NODES as one live node sees it. */
async function clusterNodes(ports: readonly number[]): Promise<NodeRow[]> {
  const { stdout } = await cli(ports[0]!, 'cluster', 'nodes');
  return stdout
    .trim()
    .split('\n')
    .map((line) => {
      const [, address = '', flags = '', , , , , , ...slots] = line.split(' ');
      return {
        port: Number(/:(\d+)@/.exec(address)?.[1]),
        master: flags.split(',').includes('master'),
        failed: /fail|noaddr|handshake/.test(flags),
        slots: slots.length > 0,
      };
    });
}

/** '' when healthy, else what is still wrong. */
async function healthProblem(ports: readonly number[]): Promise<string> {
  for (const port of ports) {
    const { stdout } = await cli(port, 'cluster', 'info');
    if (!stdout.includes('cluster_state:ok')) return `node ${port} says ${/cluster_state:\w+/.exec(stdout)?.[0]}`;
  }
  const masters = (await clusterNodes(ports)).filter((node) => node.master && node.slots);
  const dead = masters.filter((node) => node.failed || !ports.includes(node.port));
  if (dead.length > 0) return `masters ${dead.map((node) => node.port).join(', ')} are down`;
  // A replica still syncing could not take over if a test kills its master next.
  for (const port of ports) {
    const { stdout } = await cli(port, 'info', 'replication');
    if (stdout.includes('role:slave') && !stdout.includes('master_link_status:up')) return `replica ${port} is not synced`;
  }
  return '';
}

async function waitForReplicas(ports: readonly number[], expected: number): Promise<void> {
  const deadline = Date.now() + HEALTHY_TIMEOUT_MS;
  for (;;) {
    let synced = 0;
    for (const port of ports) {
      const { stdout } = await cli(port, 'info', 'replication');
      if (stdout.includes('role:slave') && stdout.includes('master_link_status:up')) synced++;
    }
    if (synced >= expected) return;
    if (Date.now() > deadline) throw new Error(`only ${synced} of ${expected} replicas synced with their masters`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function cli(port: number, ...args: string[]): Promise<{ stdout: string }> {
  return run(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5_000 });
}
