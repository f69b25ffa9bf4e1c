import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../../tools/common/freePort';

/** A redis-server that wants a login: a password for the default user and ACL users of the test's choosing. */
export interface AuthRedisServer {
  readonly port: number;
  stop(): Promise<void>;
}

export interface AuthRedisOptions {
  /** The default user's password (`--requirepass`). */
  requirePass: string;
  /** ACL users allowed every key, channel and command. */
  users: Readonly<Record<string, string>>;
  /** PEM files: when given, the port speaks TLS only (no client certificates asked for). */
  tls?: { certFile: string; keyFile: string; caFile: string };
}

const REDIS_BIN = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';
const START_TIMEOUT_MS = 10_000;

/**
 * Starts it on a free loopback port and resolves when it logs that it accepts connections (a PING would need
 * the password). Rejects, with the server's output, when it does not come up.
 */
export async function startAuthRedisServer(options: AuthRedisOptions): Promise<AuthRedisServer> {
  const port = await freePort();
  const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  if (options.tls) {
    const { certFile, keyFile, caFile } = options.tls;
    args.push('--port', '0', '--tls-port', String(port), '--tls-auth-clients', 'no');
    args.push('--tls-cert-file', certFile, '--tls-key-file', keyFile, '--tls-ca-cert-file', caFile);
  } else {
    args.push('--port', String(port));
  }
  args.push('--requirepass', options.requirePass);
  for (const [user, password] of Object.entries(options.users)) {
    args.push('--user', user, 'on', `>${password}`, '~*', '&*', '+@all');
  }
  const child = spawn(REDIS_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stopOnExit = (): void => void child.kill('SIGKILL');
  process.on('exit', stopOnExit);
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onError = (error: Error): void => fail(new Error(`redis-server (${REDIS_BIN}) failed to start: ${error.message}`));
    const onExit = (code: number | null): void => fail(new Error(`redis-server exited during start (code ${code}):\n${output}`));
    const settle = (): void => {
      clearTimeout(timer);
      child.off('error', onError);
      child.off('exit', onExit);
    };
    const fail = (error: Error): void => {
      settle();
      child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`redis-server did not start within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    child.once('error', onError);
    child.once('exit', onExit);
    const collect = (chunk: Buffer): void => {
      if (output.length < 8_000) output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        settle();
        resolve();
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
  });
  return {
    port,
    async stop() {
      process.off('exit', stopOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

