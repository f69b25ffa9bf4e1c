import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** What `npm start -- [WORKSPACE] [--web] [--port N]` asked for. */
export interface StartArgs {
  /** The folder to open, absolute. */
  readonly workspace: string;
  /** Use code-server even when desktop VS Code is installed. */
  readonly web: boolean;
  readonly port: number | undefined;
}

/** Parses the arguments; a relative workspace is taken from `cwd`, which is also the default workspace. */
export function parseStartArgs(args: readonly string[], cwd: string): StartArgs {
  let workspace: string | undefined;
  let port: number | undefined;
  let web = false;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (arg === '--web') web = true;
    else if (arg === '--port') {
      port = Number(args[++index]);
      if (!Number.isInteger(port) || port <= 0 || port > 65_535) throw new Error('--port needs a port number');
    } else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else if (workspace !== undefined) throw new Error(`one workspace folder at most (got ${workspace} and ${arg})`);
    else workspace = resolve(cwd, arg);
  }
  workspace ??= resolve(cwd);
  if (!existsSync(workspace) || !statSync(workspace).isDirectory()) throw new Error(`${workspace} is not a folder`);
  return { workspace, web, port };
}
