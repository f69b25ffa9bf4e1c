import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createConnection } from 'node:net';
import { freePort } from '../../../tools/common/freePort';

/** A redis-server process this test run owns, on a loopback port. */
export interface RedisServerHandle {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops the server (SIGTERM) and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
  /** SIGKILL, for outage tests: clients see the connection drop without a goodbye. */
  kill(): Promise<void>;
  /** Starts the server again on the same port (stopping it first if it still runs) and waits for PING. */
  restart(): Promise<void>;
  /** SIGSTOP: the server keeps its connections but stops answering, like a stalled host. */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
}

const REDIS_BIN = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';
const START_TIMEOUT_MS = 10_000;

/** Every server still running when the test process exits is killed, so a failed suite leaves nothing behind. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Spawns the Debian redis-server on a free loopback port with persistence off and waits until it answers
 * PING. Rejects with a clear message when the binary is missing or the server does not come up.
 */
export async function startRedisServer(): Promise<RedisServerHandle> {
  assertRedisInstalled();
  const port = await freePort();
  let child: ChildProcess | undefined = await spawnServer(port);

  const end = async (signal: NodeJS.Signals): Promise<void> => {
    const current = child;
    child = undefined;
    if (current) await terminate(current, signal);
  };

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    async restart() {
      await end('SIGTERM');
      child = await spawnServer(port);
    },
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
  };
}

/**
 * Spawns redis-server on `port` (loopback, no persistence, plus `extraArgs`, e.g. cluster or sentinel options)
 * and waits until it answers PING; killed with the test process if still running.
 */
export async function spawnServer(port: number, extraArgs: readonly string[] = []): Promise<ChildProcess> {
  const args = [...extraArgs, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn(REDIS_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const collect = (chunk: Buffer): void => {
    if (output.length < 4_000) output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`redis-server failed to start: ${error.message}`)));
    child.once('exit', (code, signal) =>
      reject(new Error(`redis-server exited during start (code ${code}, signal ${signal}):\n${output}`)),
    );
  });
  exited.catch(() => undefined);
  child.once('exit', () => running.delete(child));
  try {
    await Promise.race([waitForPong(port, START_TIMEOUT_MS), exited]);
  } catch (error) {
    await terminate(child, 'SIGKILL');
    throw error;
  }
  // The output was only needed to explain a failed start; an undrained pipe could stall the server.
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

/** Fails with a clear message when the Debian redis-server binary is missing. */
export function assertRedisInstalled(): void {
  try {
    accessSync(REDIS_BIN, constants.X_OK);
  } catch {
    throw new Error(
      `redis-server not found at ${REDIS_BIN}: install it (apt-get install -y redis-server) or set REDIS_SERVER_BIN`,
    );
  }
}

/** Sends `signal` and waits for the exit. */
export async function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  // A paused server only acts on SIGTERM once it runs again.
  child.kill('SIGCONT');
  await gone;
}

async function waitForPong(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ping(port)) return;
    if (Date.now() > deadline) {
      throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

