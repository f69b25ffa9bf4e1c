import path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
// Type only: the engine (SurrealDB, ioredis, the Claude SDK behind it) loads in open(), so `--help`,
// `workflows` and usage errors never load or open any store.
import type { EngineApi } from '../core/engine';
import { createLogger, type Logger } from '../core/logger';
import { SECRET_ENVIRONMENT } from './environmentVariables';
import { loadCliConfig, type CliConfig } from './cliConfig';
import { userSettingsPath } from './userSettingsPath';
import { ignoredSettingsNotice, workspaceTrusted } from './workspaceTrust';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Options every command takes: where the workspace is, whether to trust it, how to print, and config overrides. */
export const GLOBAL_OPTIONS = {
  workspace: { type: 'string' },
  'trust-workspace': { type: 'boolean' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  model: { type: 'string' },
  'max-tokens': { type: 'string' },
  temperature: { type: 'string' },
  'redis-url': { type: 'string' },
  'surreal-url': { type: 'string' },
  'storage-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

const FLAG_SETTINGS: Record<string, string> = {
  model: 'model',
  'max-tokens': 'maxTokens',
  temperature: 'temperature',
  'redis-url': 'redis.url',
  'surreal-url': 'surreal.url',
  'storage-dir': 'storageDir',
};

export type ParsedValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** What a command gets: its parsed arguments and a way to the engine, opened on first use and closed after. */
export class CliContext {
  readonly workspace: string;
  readonly json: boolean;
  readonly logger: Logger;
  private engine: EngineApi | undefined;
  private loaded: CliConfig | undefined;

  /** The configuration, once a command has loaded it (for messages that name a setting). */
  get loadedConfig(): CliConfig | undefined {
    return this.loaded;
  }

  constructor(
    readonly io: CliIo,
    readonly values: ParsedValues,
    readonly positionals: string[],
  ) {
    this.workspace = path.resolve(io.cwd, typeof values.workspace === 'string' ? values.workspace : '.');
    this.json = values.json === true;
    // Without --verbose only warnings and errors are printed: a folder moved aside or a tier left out for this run
    // must reach the user, the rest is detail.
    this.logger =
      values.verbose === true
        ? createLogger((level, message) => io.stderr(`${level}: ${message}\n`))
        : createLogger((level, message) => {
            if (level === 'warn' || level === 'error') io.stderr(`warning: ${message}\n`);
          });
  }

  /** Whether this run trusts the workspace (--trust-workspace or CLAUDE_CACHE_TRUST_WORKSPACE=1). */
  get trustedWorkspace(): boolean {
    return workspaceTrusted(this.values['trust-workspace'], this.io.env);
  }

  async config(): Promise<CliConfig> {
    if (this.loaded) return this.loaded;
    const flags: Record<string, unknown> = {};
    for (const [flag, setting] of Object.entries(FLAG_SETTINGS)) {
      const value = this.values[flag];
      if (typeof value === 'string') flags[setting] = value;
    }
    this.loaded = await loadCliConfig(this.workspace, this.io.env, flags, {
      userSettingsFile: userSettingsPath(this.io.env, this.io.cwd),
      trustWorkspace: this.trustedWorkspace,
    });
    const { ignoredWorkspaceSettings, settingsFile } = this.loaded;
    // Always shown, not only with --verbose: a CI job relying on those settings must learn why they are unused.
    if (ignoredWorkspaceSettings.length > 0 && settingsFile !== undefined) {
      this.io.stderr(ignoredSettingsNotice(ignoredWorkspaceSettings, settingsFile));
    }
    for (const problem of this.loaded.problems) this.io.stderr(`warning: ${problem.message}\n`);
    return this.loaded;
  }

  async open(): Promise<EngineApi> {
    if (this.engine) return this.engine;
    const { config } = await this.config();
    const { CacheEngine } = await import('../core/engine');
    this.engine = await CacheEngine.open({
      config,
      // One command, then exit: a hit is answered from SurrealDB's entry files, without starting its engine.
      oneShot: true,
      apiKey: this.io.env[SECRET_ENVIRONMENT.apiKey],
      surrealPassword: this.io.env[SECRET_ENVIRONMENT.surrealPassword],
      redisPassword: this.io.env[SECRET_ENVIRONMENT.redisPassword],
      redisCaFile: this.io.env[SECRET_ENVIRONMENT.redisCaFile],
      encryptionKey: this.io.env[SECRET_ENVIRONMENT.encryptionKey],
      logger: this.logger,
      // One line each, with or without --verbose: a CI job running without Redis or a storage folder it can use
      // pays for every run, and must learn why.
      onProblem: (problem) => this.io.stderr(`warning: ${problem.message}\n`),
    });
    return this.engine;
  }

  async close(): Promise<void> {
    await this.engine?.close();
    this.engine = undefined;
  }

  print(text: string): void {
    this.io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  }

  printJson(value: unknown): void {
    this.io.stdout(`${JSON.stringify(value, null, 2)}\n`);
  }
}
