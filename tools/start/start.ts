// `npm start`: the extension in real VS Code. Desktop VS Code when a `code` CLI is on PATH, otherwise
// code-server on 127.0.0.1 (open the printed URL in a browser). Needs no Redis and no API key.
// Usage: npm start -- [WORKSPACE] [--web] [--port N]
import { join } from 'node:path';
import { describeError } from '../../src/core/errors';
import { ensureCodeServer, launchCodeServer } from '../codeServer/codeServer';
import { devCacheDir, repoRoot } from '../common/paths';
import { findDesktopCode, launchDesktopCode } from './desktopCode';
import { linkDevExtension } from './devExtension';
import { parseStartArgs } from './startArgs';

async function main(): Promise<void> {
  // npm runs scripts in the package folder; INIT_CWD is where the user typed `npm start`.
  const args = parseStartArgs(process.argv.slice(2), process.env.INIT_CWD ?? process.cwd());
  const repo = repoRoot();
  const log = (line: string): void => void process.stdout.write(`[start] ${line}\n`);

  const code = args.web ? undefined : findDesktopCode();
  if (code !== undefined) {
    log(`opening ${args.workspace} in desktop VS Code (${code}) with the extension from ${repo}`);
    process.exitCode = await launchDesktopCode(code, repo, args.workspace);
    return;
  }

  // A persistent profile: settings and installed extensions survive between runs, like a real editor.
  const profile = join(devCacheDir(), 'start-profile');
  const extensionsDir = join(profile, 'extensions');
  const install = await ensureCodeServer({ log });
  await linkDevExtension(extensionsDir, repo);
  const server = await launchCodeServer({
    workspace: args.workspace,
    extensionsDir,
    userDataDir: join(profile, 'user-data'),
    install,
    ...(args.port !== undefined ? { port: args.port } : {}),
  });
  log(`code-server ${install.version} with the extension from ${repo}`);
  log(`open ${server.folderUrl}`);
  log('after `npm run build`, reload the window (Developer: Reload Window) to pick it up; Ctrl+C to stop');

  let stopping = false;
  const stop = (signal: string): void => {
    stopping = true;
    log(`${signal}: stopping code-server`);
    void server.stop();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  const exit = await server.exited;
  await server.stop(); // removes what is left of the process group
  if (!stopping) {
    log(`code-server exited on its own (${exit.code ?? exit.signal}):\n${server.output().slice(-2000)}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[start] ${describeError(error)}\n`);
  process.exitCode = 1;
});
