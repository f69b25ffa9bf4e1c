import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findExecutable } from '../common/executables';
import { freePort } from '../common/freePort';
import { devCacheDir } from '../common/paths';
import { ProcessGroup, type ProcessExit } from '../common/processGroup';
import { waitUntil } from '../common/waitUntil';
import { CodeServerInstallError, CodeServerStartError, MissingPrerequisiteError } from './errors';
import { checkCodeServerPrerequisites } from './prerequisites';
import { seedRipgrepCache } from './ripgrepCache';

/** The newest code-server whose server runs on Node 20 (it embeds VS Code 1.100). */
export const CODE_SERVER_VERSION = '4.100.3';

const INSTALL_TIMEOUT_MS = 20 * 60_000;
const COMPLETE_MARKER = '.complete';

/** A usable code-server installation. */
export interface CodeServerInstall {
  readonly version: string;
  readonly dir: string;
  /** The script to run with Node: `node <entry> ...`. */
  readonly entry: string;
  /** How long this call spent installing; undefined when an earlier install was reused. */
  readonly installMs?: number;
}

/** Options of {@link ensureCodeServer}. */
export interface EnsureCodeServerOptions {
  /** Parent folder of the install; defaults to `$XDG_CACHE_HOME/claude-prompt-cache-dev`. */
  readonly cacheDir?: string;
  /** Progress lines (the npm output goes to a log file, not here). */
  readonly log?: (line: string) => void;
}

/**
 * Installs code-server once into the developer cache (its own `npm install --prefix`, never the repository's
 * node_modules) and reuses that install afterwards. Safe to call from two processes at once: each installs
 * into a private folder and the first to finish renames it into place.
 */
export async function ensureCodeServer(options: EnsureCodeServerOptions = {}): Promise<CodeServerInstall> {
  const dir = join(options.cacheDir ?? devCacheDir(), `code-server-${CODE_SERVER_VERSION}`);
  const existing = completeInstall(dir);
  if (existing) return existing;

  const log = options.log ?? (() => undefined);
  const { ripgrep } = checkCodeServerPrerequisites();
  const npm = findExecutable('npm');
  if (npm === undefined) throw new MissingPrerequisiteError('npm', 'installing code-server needs npm on PATH');
  seedRipgrepCache(ripgrep);

  const started = Date.now();
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  writeFileSync(join(partial, 'package.json'), JSON.stringify({ private: true }, null, 2));
  // Outside the partial folder, which is removed when the install fails.
  const logFile = `${dir}.install-${process.pid}.log`;
  rmSync(logFile, { force: true });
  log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (about a minute; log: ${logFile})`);

  const install = ProcessGroup.start(
    npm,
    ['install', '--prefix', partial, '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`],
    { cwd: partial, env: installEnv(), onOutput: (chunk) => appendFileSync(logFile, chunk) },
  );
  const timer = setTimeout(() => void install.stop(), INSTALL_TIMEOUT_MS);
  const exit = await install.exited;
  clearTimeout(timer);
  await install.stop(); // npm may leave postinstall children behind in its group
  if (exit.code !== 0 || !existsSync(entryOf(partial))) {
    rmSync(partial, { recursive: true, force: true });
    throw new CodeServerInstallError(
      `npm install code-server@${CODE_SERVER_VERSION} failed (exit ${exit.code ?? exit.signal}); ` +
        `see ${logFile}:\n${install.output().slice(-3000)}`,
      logFile,
    );
  }
  writeFileSync(join(partial, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
  rmSync(logFile, { force: true });

  const raced = completeInstall(dir);
  if (raced) {
    rmSync(partial, { recursive: true, force: true });
    return raced;
  }
  rmSync(dir, { recursive: true, force: true }); // an interrupted older attempt
  mkdirSync(dirname(dir), { recursive: true });
  renameSync(partial, dir);
  const installMs = Date.now() - started;
  log(`code-server ${CODE_SERVER_VERSION} installed in ${(installMs / 1000).toFixed(1)} s`);
  return { version: CODE_SERVER_VERSION, dir, entry: entryOf(dir), installMs };
}

function entryOf(dir: string): string {
  return join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

function completeInstall(dir: string): CodeServerInstall | undefined {
  const entry = entryOf(dir);
  if (!existsSync(join(dir, COMPLETE_MARKER)) || !existsSync(entry)) return undefined;
  return { version: CODE_SERVER_VERSION, dir, entry };
}

function installEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    npm_config_yes: 'true',
    // code-server's postinstall refuses to run as root unless npm says scripts may (CI runs as root).
    npm_config_unsafe_perm: 'true',
    npm_config_update_notifier: 'false',
  };
  // node-gyp downloads Node's headers unless told where they are; use the running Node's own when it has them.
  const nodePrefix = dirname(dirname(process.execPath));
  if (!env.npm_config_nodedir && existsSync(join(nodePrefix, 'include', 'node', 'node.h'))) {
    env.npm_config_nodedir = nodePrefix;
  }
  return env;
}

/** User settings for a fresh profile: no welcome page, tips, telemetry, update or trust prompts. */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'security.workspace.trust.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};

/** Options of {@link launchCodeServer}. */
export interface CodeServerLaunchOptions {
  /** The folder the workbench opens. */
  readonly workspace: string;
  /** Where extensions are found; a temporary folder (removed on stop) when omitted. */
  readonly extensionsDir?: string;
  /** The VS Code profile (settings, state); a temporary folder (removed on stop) when omitted. */
  readonly userDataDir?: string;
  /** A fixed port; otherwise a free one is picked. */
  readonly port?: number;
  /** Extra environment for the server and its extension host. */
  readonly env?: NodeJS.ProcessEnv;
  /** An install from {@link ensureCodeServer}; ensured when omitted. */
  readonly install?: CodeServerInstall;
  /** User settings written when the profile has no settings.json yet; defaults to {@link QUIET_SETTINGS}. */
  readonly settings?: Readonly<Record<string, unknown>>;
  readonly startTimeoutMs?: number;
  readonly onOutput?: (chunk: string) => void;
}

/** A code-server that answers on 127.0.0.1. */
export interface RunningCodeServer {
  /** The server's root, e.g. `http://127.0.0.1:34567/`. */
  readonly url: string;
  /** The workbench with the workspace folder open. */
  readonly folderUrl: string;
  readonly port: number;
  readonly extensionsDir: string;
  readonly userDataDir: string;
  /** Resolves when the server process ends, stopped or not. */
  readonly exited: Promise<ProcessExit>;
  /** The last few kilobytes of the server's output. */
  output(): string;
  /** Stops the server and everything it started; removes the folders it created. Idempotent. */
  stop(): Promise<void>;
}

const PORT_ATTEMPTS = 3;

/** Starts code-server on 127.0.0.1 without auth, telemetry, update check or workspace trust; waits until it answers. */
export async function launchCodeServer(options: CodeServerLaunchOptions): Promise<RunningCodeServer> {
  const install = options.install ?? (await ensureCodeServer());
  const ownedDirs: string[] = [];
  const ownDir = (given: string | undefined, prefix: string): string => {
    if (given !== undefined) {
      mkdirSync(given, { recursive: true });
      return given;
    }
    const dir = mkdtempSync(join(tmpdir(), prefix));
    ownedDirs.push(dir);
    return dir;
  };
  const removeOwnedDirs = (): void => {
    for (const dir of ownedDirs) rmSync(dir, { recursive: true, force: true });
  };
  const extensionsDir = ownDir(options.extensionsDir, 'code-server-extensions-');
  const userDataDir = ownDir(options.userDataDir, 'code-server-profile-');
  writeProfile(userDataDir, options.settings ?? QUIET_SETTINGS);

  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      const server = await startOnPort(install, port, extensionsDir, userDataDir, options);
      let stopped: Promise<void> | undefined;
      return {
        ...server,
        extensionsDir,
        userDataDir,
        stop: () => {
          stopped ??= server.stop().then(removeOwnedDirs);
          return stopped;
        },
      };
    } catch (error) {
      lastError = error instanceof Error ? error : new Error(String(error));
      // Another process may have taken the port between the probe and the bind: try another one.
      if (options.port !== undefined || !/EADDRINUSE/.test(lastError.message)) break;
    }
  }
  removeOwnedDirs();
  throw lastError ?? new CodeServerStartError('code-server did not start');
}

function writeProfile(userDataDir: string, settings: Readonly<Record<string, unknown>>): void {
  const settingsFile = join(userDataDir, 'User', 'settings.json');
  if (existsSync(settingsFile)) return;
  mkdirSync(dirname(settingsFile), { recursive: true });
  writeFileSync(settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
}

async function startOnPort(
  install: CodeServerInstall,
  port: number,
  extensionsDir: string,
  userDataDir: string,
  options: CodeServerLaunchOptions,
): Promise<Omit<RunningCodeServer, 'extensionsDir' | 'userDataDir'>> {
  // An explicit config file keeps code-server from creating ~/.config/code-server/config.yaml with a password.
  const configFile = join(userDataDir, 'code-server.yaml');
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  const server = ProcessGroup.start(
    process.execPath,
    [
      install.entry,
      '--config', configFile,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      options.workspace,
    ],
    { env: { ...process.env, ...options.env }, ...(options.onOutput ? { onOutput: options.onOutput } : {}) },
  );
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitUntil(
      async () => {
        const response = await fetch(`${url}healthz`, { signal: AbortSignal.timeout(5_000) });
        await response.arrayBuffer();
        return response.ok ? true : undefined;
      },
      {
        what: `code-server on ${url}`,
        timeoutMs: options.startTimeoutMs ?? 120_000,
        intervalMs: 200,
        abandon: () => (server.exit ? `it exited (${server.exit.code ?? server.exit.signal})` : undefined),
      },
    );
  } catch (error) {
    await server.stop();
    throw new CodeServerStartError(`${(error as Error).message}\n${server.output().slice(-3000)}`, { cause: error });
  }
  return {
    url,
    folderUrl: `${url}?folder=${encodeURIComponent(options.workspace)}`,
    port,
    exited: server.exited,
    output: () => server.output(),
    stop: async () => {
      await server.stop();
    },
  };
}

/** Installs a VSIX into `extensionsDir` with code-server's own CLI (as a user would). */
export async function installExtension(
  vsix: string,
  extensionsDir: string,
  install: CodeServerInstall,
): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'code-server-install-profile-'));
  try {
    const cli = ProcessGroup.start(process.execPath, [
      install.entry,
      '--user-data-dir', profile,
      '--extensions-dir', extensionsDir,
      '--install-extension', vsix,
    ]);
    const exit = await cli.exited;
    await cli.stop();
    if (exit.code !== 0) {
      throw new CodeServerStartError(`code-server --install-extension ${vsix} failed:\n${cli.output().slice(-3000)}`);
    }
    return cli.output();
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
