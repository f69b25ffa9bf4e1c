import { spawn, type ChildProcess } from 'node:child_process';

const OUTPUT_TAIL_CHARS = 16_000;

/** Options of {@link ProcessGroup.start}. */
export interface ProcessGroupOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Receives output as it arrives (both streams), e.g. to echo it with a prefix. */
  readonly onOutput?: (chunk: string) => void;
}

/** How a process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

// Groups still running when this process ends are killed so nothing leaks: on exit (mocha --exit, an uncaught
// error), and on a fatal signal. The groups are detached, so Ctrl+C in a terminal does not reach them itself.
const running = new Set<ProcessGroup>();
const FATAL_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function killRunning(): void {
  for (const group of running) group.kill('SIGKILL');
}

function onFatalSignal(signal: NodeJS.Signals): void {
  // Another listener (npm start, Playwright) owns this signal and decides how to shut down; the exit hook
  // still catches what it leaves behind.
  if (process.listenerCount(signal) > 1) return;
  killRunning();
  untrackSignals();
  process.kill(process.pid, signal); // the default action again: end as the signal says
}

function trackSignals(): void {
  process.on('exit', killRunning);
  for (const signal of FATAL_SIGNALS) process.on(signal, onFatalSignal);
}

function untrackSignals(): void {
  process.off('exit', killRunning);
  for (const signal of FATAL_SIGNALS) process.off(signal, onFatalSignal);
}

function track(group: ProcessGroup): void {
  if (running.size === 0) trackSignals();
  running.add(group);
}

function untrack(group: ProcessGroup): void {
  if (running.delete(group) && running.size === 0) untrackSignals();
}

/**
 * A child process started as the leader of its own process group, so stopping it also stops what it spawned
 * (code-server's extension host, file watcher and pty host) and nothing else.
 */
export class ProcessGroup {
  /** Resolves when the leader exits. */
  readonly exited: Promise<ProcessExit>;
  private exitInfo: ProcessExit | undefined;
  private tail = '';

  private constructor(
    readonly command: string,
    private readonly child: ChildProcess,
    onOutput: ((chunk: string) => void) | undefined,
  ) {
    const collect = (data: Buffer): void => {
      const chunk = data.toString('utf8');
      this.tail = (this.tail + chunk).slice(-OUTPUT_TAIL_CHARS);
      onOutput?.(chunk);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    track(this);
    this.exited = new Promise((resolve) => {
      const finish = (exit: ProcessExit): void => {
        if (this.exitInfo) return;
        this.exitInfo = exit;
        untrack(this);
        resolve(exit);
      };
      child.once('exit', (code, signal) => finish({ code, signal }));
      child.once('error', (error) => {
        this.tail += `\n${error.message}`;
        finish({ code: null, signal: null });
      });
    });
  }

  static start(command: string, args: readonly string[], options: ProcessGroupOptions = {}): ProcessGroup {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ProcessGroup(command, child, options.onOutput);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** How the leader ended, or undefined while it runs. */
  get exit(): ProcessExit | undefined {
    return this.exitInfo;
  }

  /** The last few kilobytes of output, for error messages. */
  output(): string {
    return this.tail;
  }

  /** Sends `signal` to every process of the group; a group that is already gone is not an error. */
  kill(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the whole group has already exited.
    }
  }

  /** SIGTERM to the group, then SIGKILL if the leader is still there after `graceMs`. */
  async stop(graceMs = 10_000): Promise<ProcessExit> {
    if (this.exitInfo) {
      this.kill('SIGKILL'); // children the leader left behind
      return this.exitInfo;
    }
    this.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const first = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    this.kill('SIGKILL');
    return first === 'timeout' ? this.exited : first;
  }
}
