import type { Usage } from '../claude/usage';
import { systemClock, type Clock } from '../clock';
import { CacheError, describeError } from '../errors';
import { TypedEmitter, type Unsubscribe } from '../events';
import { costOfUsage, providerCacheSaving } from './costOfUsage';
import { LedgerPersistError } from './errors';
import type { LedgerPersistence } from './ledgerPersistence';
import { emptyTotals, type DailyCost, type LedgerSnapshot, type LedgerTotals } from './ledgerSnapshot';
import { resolvePrices, type ModelPrices, type PriceTable } from './priceTable';

/** Dollars, or 'unknown' when the model has no price: never silently zero. */
export type Dollars = number | 'unknown';

export interface CostLedgerOptions {
  persistence?: LedgerPersistence;
  clock?: Clock;
  /** Validated overrides (see validatePriceOverrides); they win over the built-in table. */
  priceOverrides?: Readonly<Record<string, ModelPrices>>;
  priceTable?: PriceTable;
  /** Days of per-day figures to keep. Default 400. */
  keepDays?: number;
}

/** What one upstream call cost, as the ledger recorded it. */
export interface RecordedCall {
  costUsd: Dollars;
  providerCacheSavingUsd: Dollars;
}

export interface CostLedgerEvents extends Record<string, unknown> {
  change: LedgerTotals;
  /** A load or save failed; the ledger carries on in memory. */
  problem: CacheError;
}

/**
 * Money spent on Claude and saved by caching: each upstream call priced from its usage, each call the local
 * cache answered priced at what the original call cost. Totals survive restarts through a persistence.
 */
export class CostLedger {
  private readonly events = new TypedEmitter<CostLedgerEvents>();
  private readonly clock: Clock;
  private readonly keepDays: number;
  private readonly priceTable: PriceTable | undefined;
  private priceOverrides: Readonly<Record<string, ModelPrices>> | undefined;
  private totalsNow: LedgerTotals = emptyTotals();
  private days = new Map<string, DailyCost>();
  private dirty = false;
  private saving: Promise<void> | undefined;

  constructor(private readonly options: CostLedgerOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.keepDays = Math.max(1, options.keepDays ?? 400);
    this.priceTable = options.priceTable;
    this.priceOverrides = options.priceOverrides;
  }

  /**
   * A ledger with its stored totals loaded. An unreadable store is reported through `onProblem` (and is
   * never fatal): the ledger then starts from zero.
   */
  static async open(options: CostLedgerOptions & { onProblem?: (problem: CacheError) => void } = {}): Promise<CostLedger> {
    const ledger = new CostLedger(options);
    if (options.onProblem) ledger.on('problem', options.onProblem);
    if (!options.persistence) return ledger;
    try {
      const stored = await options.persistence.load();
      if (stored) ledger.restore(stored);
    } catch (error) {
      ledger.report(
        error instanceof CacheError
          ? error
          : new LedgerPersistError(`Could not read the cost ledger (${describeError(error)}); starting from zero.`, {
              cause: error,
            }),
      );
    }
    return ledger;
  }

  on<K extends keyof CostLedgerEvents>(event: K, listener: (payload: CostLedgerEvents[K]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  setPriceOverrides(overrides: Readonly<Record<string, ModelPrices>> | undefined): void {
    this.priceOverrides = overrides;
  }

  /** Prices a call without recording it. */
  costOf(model: string, usage: Usage): Dollars {
    const prices = this.pricesFor(model);
    return prices ? costOfUsage(usage, prices) : 'unknown';
  }

  /** Records a call that went to Claude. */
  recordUpstreamCall(call: { model: string; usage: Usage }): RecordedCall {
    const prices = this.pricesFor(call.model);
    const day = this.today();
    this.totalsNow.upstreamCalls += 1;
    day.upstreamCalls += 1;
    if (!prices) {
      this.totalsNow.unknownCostCalls += 1;
      this.changed();
      return { costUsd: 'unknown', providerCacheSavingUsd: 'unknown' };
    }
    const costUsd = costOfUsage(call.usage, prices);
    const savingUsd = providerCacheSaving(call.usage, prices);
    this.totalsNow.spentUsd += costUsd;
    this.totalsNow.savedByProviderCacheUsd += savingUsd;
    day.spentUsd += costUsd;
    day.savedUsd += savingUsd;
    this.changed();
    return { costUsd, providerCacheSavingUsd: savingUsd };
  }

  /** Records a call the local cache answered; `originalCostUsd` is what the call that filled the entry cost. */
  recordAvoidedCall(originalCostUsd: Dollars): void {
    const day = this.today();
    this.totalsNow.avoidedCalls += 1;
    day.avoidedCalls += 1;
    if (originalCostUsd === 'unknown' || !Number.isFinite(originalCostUsd)) {
      this.totalsNow.unknownCostCalls += 1;
    } else {
      this.totalsNow.savedByLocalHitsUsd += originalCostUsd;
      day.savedUsd += originalCostUsd;
    }
    this.changed();
  }

  totals(): LedgerTotals {
    return { ...this.totalsNow };
  }

  /** Dollars spent on one UTC day (YYYY-MM-DD); today when omitted. */
  spentOn(day: string = dayOf(this.clock.now())): number {
    return this.days.get(day)?.spentUsd ?? 0;
  }

  /** Per-day figures, oldest first. */
  dailyCosts(): DailyCost[] {
    return [...this.days.values()].sort((a, b) => a.day.localeCompare(b.day)).map((d) => ({ ...d }));
  }

  async reset(): Promise<void> {
    this.totalsNow = emptyTotals();
    this.days.clear();
    this.changed();
    await this.flush();
  }

  /** Resolves once every change so far is saved (or its save failed and was reported). */
  async flush(): Promise<void> {
    while (this.saving) await this.saving;
  }

  snapshot(): LedgerSnapshot {
    return { version: 1, totals: this.totals(), days: this.dailyCosts() };
  }

  private pricesFor(model: string): ModelPrices | undefined {
    return resolvePrices(model, this.priceOverrides, this.priceTable);
  }

  private today(): DailyCost {
    const key = dayOf(this.clock.now());
    let day = this.days.get(key);
    if (!day) {
      day = { day: key, spentUsd: 0, savedUsd: 0, upstreamCalls: 0, avoidedCalls: 0 };
      this.days.set(key, day);
      this.pruneDays();
    }
    return day;
  }

  private pruneDays(): void {
    if (this.days.size <= this.keepDays) return;
    const oldestFirst = [...this.days.keys()].sort();
    for (const key of oldestFirst.slice(0, this.days.size - this.keepDays)) this.days.delete(key);
  }

  private restore(snapshot: LedgerSnapshot): void {
    this.totalsNow = { ...snapshot.totals };
    this.totalsNow.savedUsd = this.totalsNow.savedByLocalHitsUsd + this.totalsNow.savedByProviderCacheUsd;
    this.days = new Map(snapshot.days.map((d) => [d.day, { ...d }]));
    this.pruneDays();
  }

  private changed(): void {
    this.totalsNow.savedUsd = this.totalsNow.savedByLocalHitsUsd + this.totalsNow.savedByProviderCacheUsd;
    this.events.emit('change', this.totals());
    this.scheduleSave();
  }

  /** Saves in the background; changes made during a save are folded into one more save after it. */
  private scheduleSave(): void {
    const persistence = this.options.persistence;
    if (!persistence) return;
    this.dirty = true;
    if (this.saving) return;
    this.saving = (async () => {
      while (this.dirty) {
        this.dirty = false;
        try {
          await persistence.save(this.snapshot());
        } catch (error) {
          this.report(
            new LedgerPersistError(`Could not save the cost ledger (${describeError(error)}); totals are kept in memory.`, {
              cause: error,
            }),
          );
        }
      }
      this.saving = undefined;
    })();
  }

  private report(problem: CacheError): void {
    this.events.emit('problem', problem);
  }
}

/** The UTC calendar day of a timestamp, YYYY-MM-DD. */
export function dayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
