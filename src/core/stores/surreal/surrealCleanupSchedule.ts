/** What one cleanup pass removed. */
export interface SurrealCleanup {
  expired: number;
  pruned: number;
}

export interface SurrealCleanupScheduleOptions {
  /** How often a pass runs on its own; 0 turns the timer off. */
  intervalMs: number;
  /** The store's entry cap (0: none): past a tenth of it in writes, a pass runs so the cap holds between ticks. */
  maxEntries: number;
  /** What a pass asked for after stop() rejects with. */
  stoppedError: () => Error;
}

/**
 * When the store's cleanup passes run: on a timer, after many writes, and on demand. Passes never overlap: a
 * request during a pass gets the next one (shared with other requests meanwhile), so what it returns covers every
 * write made before the request.
 */
export class SurrealCleanupSchedule {
  private readonly timer: NodeJS.Timeout | undefined;
  /** Writes since the last pass started. */
  private writesSincePass = 0;
  private running: Promise<SurrealCleanup> | undefined;
  private queued: Promise<SurrealCleanup> | undefined;
  private stopped = false;

  constructor(
    private readonly pass: () => Promise<SurrealCleanup>,
    private readonly options: SurrealCleanupScheduleOptions,
  ) {
    if (options.intervalMs > 0) {
      this.timer = setInterval(() => {
        this.request().catch(() => undefined);
      }, options.intervalMs);
      this.timer.unref();
    }
  }

  /** A pass that starts now, or the next one when a pass is running. */
  request(): Promise<SurrealCleanup> {
    if (this.stopped) return Promise.reject(this.options.stoppedError());
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    const queued = this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.start();
      });
    this.queued = queued;
    return queued;
  }

  noteWrites(count: number): void {
    const { maxEntries } = this.options;
    if (maxEntries === 0) return;
    this.writesSincePass += count;
    if (this.writesSincePass >= Math.max(1, Math.ceil(maxEntries / 10))) {
      this.request().catch(() => undefined);
    }
  }

  /** Stops the timer and waits for the passes under way or queued (a queued one then rejects). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.queued?.catch(() => undefined);
    await this.running?.catch(() => undefined);
  }

  private start(): Promise<SurrealCleanup> {
    if (this.stopped) return Promise.reject(this.options.stoppedError());
    this.writesSincePass = 0;
    const pass: Promise<SurrealCleanup> = this.pass().finally(() => {
      if (this.running === pass) this.running = undefined;
    });
    this.running = pass;
    return pass;
  }
}
