import type { Alert } from '../../core/alerts';
import type { LedgerTotals } from '../../core/cost';
import type { HostedEngine, TierOpening } from '../../core/engine';
import { describeError } from '../../core/errors';
import { TypedEmitter, type Unsubscribe } from '../../core/events';
import { TIERS, type Tier } from '../../core/layers';
import type { Logger } from '../../core/logger';
import type { CacheReport } from '../../core/tiered/tieredCache';
import type { EngineHostReader } from './engineHost';
import { tierHealth, type TierHealth } from './tierHealth';
import { todayBudget, type TodayBudget } from './todayBudget';

/** One reading of everything the views show, taken together so they agree with each other. */
export interface CacheSnapshot {
  readonly takenAt: number;
  readonly report: CacheReport;
  readonly totals: LedgerTotals;
  readonly openings: readonly TierOpening[];
  readonly health: Readonly<Record<Tier, TierHealth>>;
  readonly hasApiKey: boolean;
  /** Alert rules broken now; shown as the tree's Alerts node. */
  readonly alerts?: readonly Alert[];
  /** Today's spend against the budget caps; absent when no cap is set. */
  readonly budget?: TodayBudget;
}

export interface CacheSnapshotEvents extends Record<string, unknown> {
  /** undefined while the engine is not open. */
  snapshot: CacheSnapshot | undefined;
}

/**
 * Reads the cache report and ledger once per host change and hands the result to every view, so a burst of
 * events costs one report (which asks each shared tier for its size) however many views listen.
 */
export class CacheSnapshots {
  readonly events = new TypedEmitter<CacheSnapshotEvents>();
  private current: CacheSnapshot | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private readonly unsubscribe: Unsubscribe[];

  constructor(
    private readonly host: EngineHostReader<HostedEngine>,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.unsubscribe = [
      host.events.on('changed', () => void this.refresh()),
      host.events.on('state', () => void this.refresh()),
    ];
  }

  get latest(): CacheSnapshot | undefined {
    return this.current;
  }

  /** Takes a new snapshot and tells every listener; calls during one fold into one more. */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          this.current = await this.take();
          this.events.emit('snapshot', this.current);
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** A fresh snapshot for one caller (the dashboard's sampling), without telling the others. */
  async take(): Promise<CacheSnapshot | undefined> {
    const engine = this.host.engineIfReady;
    if (!engine) return undefined;
    try {
      const report = await engine.cache.report();
      const health = {} as Record<Tier, TierHealth>;
      for (const tier of TIERS) health[tier] = tierHealth(tier, report.tiers[tier].status, engine.openings, report.tiers[tier].reason);
      const budget = todayBudget(engine);
      return {
        ...(budget ? { budget } : {}),
        takenAt: this.now(),
        report,
        totals: engine.ledger.totals(),
        openings: engine.openings,
        health,
        hasApiKey: engine.hasApiKey,
        alerts: engine.alerts.active(),
      };
    } catch (error) {
      // A closed cache (reopen under way) or a failing report: keep showing the last good reading.
      this.logger.debug(`reading the cache report failed: ${describeError(error)}`);
      return this.current;
    }
  }

  dispose(): void {
    for (const undo of this.unsubscribe) undo();
    this.events.removeAll();
  }
}
