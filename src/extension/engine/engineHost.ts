import type { CacheConfig } from '../../core/config';
import type { EngineApi, EngineOptions, HostedEngine } from '../../core/engine';
import { describeError } from '../../core/errors';
import type { EngineProblem } from '../../core/engineProblems';
import { TypedEmitter, type Unsubscribe } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { DiscoveredWorkflows } from '../../core/workflows';
import { systemTimers, type Timers } from '../../core/timers';
import { Throttle } from '../throttle';
import { EngineUnavailableError } from './errors';

/** Where the engine is in its life: opening, open, or failed to open (the extension keeps running). */
export type EngineState<E extends HostedEngine = EngineApi> =
  | { readonly phase: 'starting' }
  | { readonly phase: 'ready'; readonly engine: E }
  | { readonly phase: 'failed'; readonly error: Error }
  | { readonly phase: 'closed' };

export interface EngineHostEvents<E extends HostedEngine = EngineApi> extends Record<string, unknown> {
  state: EngineState<E>;
  /** Something in the cache or the ledger changed; at most one per throttle interval. */
  changed: undefined;
}

export interface EngineHostOptions<E extends HostedEngine> {
  logger: Logger;
  /** Read at the first opening; later openings reuse the API key the host holds (see setApiKey). */
  secrets: () => Promise<{
    apiKey?: string | undefined;
    surrealPassword?: string | undefined;
    redisPassword?: string | undefined;
    encryptionKey?: string | undefined;
  }>;
  workflows: (workspace: string) => Promise<DiscoveredWorkflows>;
  /** Problems the user must see (see EngineOptions.onProblem); the extension shows them as warnings. */
  onProblem?: (problem: EngineProblem) => void;
  /** Opens an engine: CacheEngine.open in the extension, a double in tests (the host never names the class). */
  open: (options: EngineOptions) => Promise<E>;
  /** How often views may repaint from cache events. */
  throttleMs?: number;
  timers?: Timers;
}

/**
 * The host as the code that follows it sees it (the views' snapshots, the alert notifications, the metrics
 * endpoint): the engine of the moment and its changes, no way to open or close it. A full emitter is invariant in
 * its events, so a reader of a narrower engine could not take a host of EngineApi; `on` alone lets it.
 */
export interface EngineHostReader<E extends HostedEngine = EngineApi> {
  readonly events: Pick<TypedEmitter<EngineHostEvents<E>>, 'on'>;
  readonly state: EngineState<E>;
  readonly engineIfReady: E | undefined;
  refreshNow(): void;
}

/** Cache events that change what the views show. */
const CACHE_EVENTS = ['hit', 'miss', 'set', 'invalidated', 'tierStatus', 'tooLarge', 'evicted', 'corrupt'] as const;

/**
 * Owns the one engine of this window: opens it in the background (activation never waits for storage),
 * applies settings live, reopens it when a setting that decides the tiers changes, and turns engine events
 * into one throttled `changed` signal for the views. Opening, reopening and closing run one at a time.
 */
export class EngineHost<E extends HostedEngine = EngineApi> implements EngineHostReader<E> {
  readonly events = new TypedEmitter<EngineHostEvents<E>>();
  private current: EngineState<E> = { phase: 'starting' };
  private queue: Promise<void> = Promise.resolve();
  private detach: Unsubscribe[] = [];
  private readonly throttle: Throttle;
  private readonly log: Logger;
  /** The key for every engine this host opens: read once, then kept current by setApiKey. */
  private apiKey: { value: string | undefined } | undefined;

  constructor(private readonly options: EngineHostOptions<E>) {
    this.log = options.logger.child('host');
    this.throttle = new Throttle(options.throttleMs ?? 500, () => this.events.emit('changed', undefined), options.timers ?? systemTimers);
  }

  get state(): EngineState<E> {
    return this.current;
  }

  /** The open engine, or undefined while starting or after a failure. */
  get engineIfReady(): E | undefined {
    return this.current.phase === 'ready' ? this.current.engine : undefined;
  }

  /** Starts opening with `config`; returns at once (the returned promise is for tests and shutdown). */
  start(config: CacheConfig): Promise<void> {
    return this.enqueue(() => this.reopen(config));
  }

  /** Closes the engine and opens a new one (a secret that is read at opening changed). */
  restart(config: CacheConfig): Promise<void> {
    return this.start(config);
  }

  /** Applies changed settings; reopens the engine when the engine says the tiers must change. */
  applyConfig(config: CacheConfig): Promise<void> {
    return this.enqueue(async () => {
      if (this.current.phase === 'closed') return;
      if (this.current.phase === 'ready') {
        const engine = this.current.engine;
        // Whether the shared tiers are sealed is decided when the engine opens, so that setting needs a reopen too.
        const sealingChanged = engine.config.encryption.enabled !== config.encryption.enabled;
        const { reopenNeeded } = engine.applyConfig(config);
        if (!reopenNeeded && !sealingChanged) {
          this.log.info('settings applied');
          this.throttle.schedule();
          return;
        }
        this.log.info('storage settings changed: reopening the cache');
      }
      // Starting never gets here (the queue waits for it); a failed engine gets another try with the new settings.
      await this.reopen(config);
    });
  }

  /** The open engine, once any opening under way has finished; throws when it could not open. */
  async engine(): Promise<E> {
    let pending: Promise<void>;
    do {
      pending = this.queue;
      await pending;
    } while (pending !== this.queue);
    const state = this.current;
    if (state.phase === 'ready') return state.engine;
    if (state.phase === 'failed') {
      throw new EngineUnavailableError(`The cache could not open: ${describeError(state.error)}`, { cause: state.error });
    }
    throw new EngineUnavailableError(state.phase === 'closed' ? 'The cache is closed.' : 'The cache has not been started.');
  }

  /** Uses a new key now and for engines opened later (secret storage may lag behind a key just stored). */
  setApiKey(apiKey: string | undefined): void {
    this.apiKey = { value: apiKey };
    this.engineIfReady?.setApiKey(apiKey);
    this.throttle.schedule();
  }

  /** Announces a change now (after a command that changed the stats), without waiting for the throttle. */
  refreshNow(): void {
    this.throttle.schedule();
    this.throttle.flush();
  }

  /** Closes the engine (flushing queued writes and the ledger); the host stays closed. */
  close(): Promise<void> {
    return this.enqueue(async () => {
      await this.closeCurrent();
      this.setState({ phase: 'closed' });
      this.throttle.dispose();
    });
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task, task);
    // The queue itself never rejects, so one failed task does not poison the next.
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async reopen(config: CacheConfig): Promise<void> {
    if (this.current.phase === 'closed') return;
    await this.closeCurrent();
    this.setState({ phase: 'starting' });
    try {
      const secrets = await this.options.secrets();
      this.apiKey ??= { value: secrets.apiKey };
      const apiKey = this.apiKey.value;
      const engine = await this.options.open({
        config,
        ...(apiKey ? { apiKey } : {}),
        ...(secrets.surrealPassword ? { surrealPassword: secrets.surrealPassword } : {}),
        ...(secrets.redisPassword ? { redisPassword: secrets.redisPassword } : {}),
        ...(secrets.encryptionKey ? { encryptionKey: secrets.encryptionKey } : {}),
        logger: this.options.logger,
        workflows: this.options.workflows,
        ...(this.options.onProblem ? { onProblem: this.options.onProblem } : {}),
      });
      // A key set while the engine was opening went to no engine: hand it over now.
      if (this.apiKey.value !== apiKey) engine.setApiKey(this.apiKey.value);
      this.attach(engine);
      this.setState({ phase: 'ready', engine });
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.log.error(`the cache could not open: ${describeError(failure)}`);
      this.setState({ phase: 'failed', error: failure });
    }
  }

  private async closeCurrent(): Promise<void> {
    for (const undo of this.detach.splice(0)) undo();
    if (this.current.phase !== 'ready') return;
    const engine = this.current.engine;
    try {
      await engine.close();
    } catch (error) {
      this.log.warn(`closing the cache failed: ${describeError(error)}`);
    }
  }

  private attach(engine: E): void {
    const schedule = () => this.throttle.schedule();
    for (const event of CACHE_EVENTS) this.detach.push(engine.cache.events.on(event, schedule));
    this.detach.push(engine.ledger.on('change', schedule));
    this.detach.push(
      engine.cache.events.on('tierError', ({ tier, operation, error }) =>
        this.log.debug(`${tier} ${operation} failed: ${describeError(error)}`),
      ),
    );
  }

  private setState(state: EngineState<E>): void {
    this.current = state;
    this.events.emit('state', state);
    this.throttle.schedule();
  }
}
