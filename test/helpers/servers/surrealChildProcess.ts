import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '..', '..', '..');

/** A second process on a shared SurrealDB directory (sharedSurrealChild.ts), driven one command at a time. */
export interface SurrealChild {
  process: ChildProcess;
  pid: number;
  /** What the child said once its store was open: `{ ready, reach, servedBy }`, or `{ error }`. */
  ready: Promise<Record<string, unknown>>;
  /** Sends one command and resolves with the child's answer to it. */
  ask(command: string): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or signal) once the child is gone. */
  exited: Promise<number | string | null>;
}

export function startSurrealChild(url: string): SurrealChild {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'sharedSurrealChild.ts'), url], {
    cwd: REPO,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const answers: Array<(message: Record<string, unknown>) => void> = [];
  let stderr = '';
  let buffered = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) answers.shift()?.(JSON.parse(line) as Record<string, unknown>);
  });
  const exited = new Promise<number | string | null>((resolvePromise) =>
    child.once('exit', (code, signal) => {
      for (const answer of answers.splice(0)) answer({ error: `child exited (${code ?? signal}): ${stderr.slice(-2_000)}` });
      resolvePromise(code ?? signal);
    }),
  );
  const next = (): Promise<Record<string, unknown>> => new Promise((resolvePromise) => answers.push(resolvePromise));
  const ready = next();
  return {
    process: child,
    pid: child.pid ?? 0,
    ready,
    exited,
    ask(command) {
      const answer = next();
      child.stdin?.write(`${command}\n`);
      return answer;
    },
  };
}
