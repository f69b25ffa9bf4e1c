import { spawn } from 'node:child_process';
import { findExecutable } from '../common/executables';

/** The desktop VS Code CLI (`code`) on PATH, or undefined. */
export function findDesktopCode(): string | undefined {
  return findExecutable('code');
}

/** The arguments that open `workspace` in a new desktop window running the extension from `repo`'s sources. */
export function desktopCodeArgs(repo: string, workspace: string): string[] {
  return ['--new-window', `--extensionDevelopmentPath=${repo}`, workspace];
}

/**
 * Opens desktop VS Code with the extension under development. The `code` CLI hands the window to the running
 * VS Code and returns; resolves with its exit code.
 */
export function launchDesktopCode(code: string, repo: string, workspace: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(code, desktopCodeArgs(repo, workspace), { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode ?? 1));
  });
}
