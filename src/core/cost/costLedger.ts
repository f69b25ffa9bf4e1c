import { randomBytes } from 'node:crypto';
import type { Usage } from '../claude/usage';
import { thisProcess } from '../io/processIdentity';
import { reservedUsd, type BudgetReservation } from './budgetReservation';
import { systemClock, type Clock } from '../clock';
import { CacheError, describeError } from '../errors';
import { TypedEmitter, type Unsubscribe } from '../events';
import { costOfUsage, providerCacheSaving } from './costOfUsage';
import { LedgerPersistError } from './errors';
import type { LedgerPersistence } from './ledgerPersistence';
import { addSnapshots, emptySnapshot, WORKFLOW_DAYS_KEPT } from './ledgerDelta';
import { carriesSpend, type DailyCost, type LedgerSnapshot, type LedgerTotals, type WorkflowDayCost } from './ledgerSnapshot';
import { localDayOf } from './localDay';
import { resolvePrices, type ModelPrices, type PriceTable } from '../models';

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
  /**
   * How long a budget reservation counts while its process lives on without settling it (a call that hangs).
   * Default one hour: longer than any call the client lets run; a reservation of a process that died stops
   * counting at once.
   */
  reservationTtlMs?: number;
  /**
   * Keep changes that only add savings in memory until flush() (a one-shot CLI run closes within milliseconds);
   * spend is still saved as soon as it is recorded, since other processes' budget checks read it.
   */
  holdSavingsUntilFlush?: boolean;
}

/** Today's spend as a budget check must see it: booked, plus every reservation of calls under way. */
export interface SpendWithReservations {
  /** All workflows, every process. */
  todayUsd: number;
  /** The reserving workflow's share. */
  workflowUsd: number;
}

export interface ReservationRequest {
  workflow: string;
  /** The call's worst-case cost. */
  amountUsd: number;
  /** Whether the call fits, given today's spend with every live reservation counted; false reserves nothing. */
  fits(spent: SpendWithReservations): boolean;
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
 * cache answered priced at what the original call cost. Totals survive restarts through a persistence; with one
 * that merges (the JSON file), each save adds this process's changes to what other processes stored, so editor
 * windows and CLI runs sharing a storage folder all count, and `refresh` reads what the others added.
 */
export class CostLedger {
  private readonly events = new TypedEmitter<CostLedgerEvents>();
  private readonly clock: Clock;
  private readonly keepDays: number;
  private readonly priceTable: PriceTable | undefined;
  private priceOverrides: Readonly<Record<string, ModelPrices>> | undefined;
  /** What the persistence held at the last load or merge. */
  private stored: LedgerSnapshot = emptySnapshot();
  /** Changes being saved right now. */
  private inFlight: LedgerSnapshot = emptySnapshot();
  /** Changes not saved yet. */
  private pending: LedgerSnapshot = emptySnapshot();
  private dirty = false;
  private saving: Promise<void> | undefined;
  /** Reservations settled here whose removal from the shared store waits for the next save. */
  private releasing: string[] = [];
  /** Reservations of this process when the persistence cannot share them (none, or one that does not merge). */
  private readonly localReservations = new Map<string, BudgetReservation>();

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
    // What the store recovers from by itself (a damaged file restored from its backup) is still reported.
    options.persistence.reportProblemsTo?.((problem) => ledger.report(problem));
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

  /** Records a call that went to Claude; `workflow` names the run it belongs to, for per-workflow budgets. */
  recordUpstreamCall(call: { model: string; usage: Usage; workflow?: string }): RecordedCall {
    const prices = this.pricesFor(call.model);
    const { totals } = this.pending;
    const day = this.today();
    totals.upstreamCalls += 1;
    day.upstreamCalls += 1;
    if (!prices) {
      totals.unknownCostCalls += 1;
      this.changed();
      return { costUsd: 'unknown', providerCacheSavingUsd: 'unknown' };
    }
    const costUsd = costOfUsage(call.usage, prices);
    const savingUsd = providerCacheSaving(call.usage, prices);
    totals.spentUsd += costUsd;
    totals.savedByProviderCacheUsd += savingUsd;
    day.spentUsd += costUsd;
    day.savedUsd += savingUsd;
    day.savedByProviderCacheUsd = (day.savedByProviderCacheUsd ?? 0) + savingUsd;
    const local = this.localToday();
    local.spentUsd += costUsd;
    if (call.workflow !== undefined) local.byWorkflow[call.workflow] = (local.byWorkflow[call.workflow] ?? 0) + costUsd;
    this.changed();
    return { costUsd, providerCacheSavingUsd: savingUsd };
  }

  /** Records a call the local cache answered; `originalCostUsd` is what the call that filled the entry cost. */
  recordAvoidedCall(originalCostUsd: Dollars): void {
    const { totals } = this.pending;
    const day = this.today();
    totals.avoidedCalls += 1;
    day.avoidedCalls += 1;
    if (originalCostUsd === 'unknown' || !Number.isFinite(originalCostUsd)) {
      totals.unknownCostCalls += 1;
    } else {
      totals.savedByLocalHitsUsd += originalCostUsd;
      day.savedUsd += originalCostUsd;
      day.savedByLocalHitsUsd = (day.savedByLocalHitsUsd ?? 0) + originalCostUsd;
    }
    this.changed();
  }

  totals(): LedgerTotals {
    return this.snapshot().totals;
  }

  /** Dollars spent on one UTC day (YYYY-MM-DD); today when omitted. */
  spentOn(day: string = dayOf(this.clock.now())): number {
    return this.snapshot().days.find((entry) => entry.day === day)?.spentUsd ?? 0;
  }

  /**
   * Dollars spent today (the local calendar day), by every process that shares this ledger as of the last
   * save or refresh; with `workflow`, that workflow's share only.
   */
  spentToday(workflow?: string): number {
    const today = this.snapshot().workflowDays?.find((entry) => entry.day === localDayOf(this.clock.now()));
    if (!today) return 0;
    return workflow === undefined ? today.spentUsd : (today.byWorkflow[workflow] ?? 0);
  }

  /**
   * Sets the worst-case cost of a call aside as spent, if it fits: the check (`fits`) and the reservation are
   * one atomic step over the shared ledger, so processes that check at the same moment cannot all take the same
   * room under a cap. Returns the reservation (undefined when it did not fit) and the spend the check saw. Pass
   * the reservation to `release` once the call's cost is booked, or the call failed.
   */
  async reserve(request: ReservationRequest): Promise<{ reservation: BudgetReservation | undefined; spent: SpendWithReservations }> {
    const owner = await thisProcess();
    const candidate: BudgetReservation = {
      id: randomBytes(8).toString('hex'),
      workflow: request.workflow,
      amountUsd: request.amountUsd,
      owner,
      expiresAt: this.clock.now() + (this.options.reservationTtlMs ?? 60 * 60_000),
    };
    let spent: SpendWithReservations = { todayUsd: 0, workflowUsd: 0 };
    const decide = (booked: LedgerSnapshot, live: readonly BudgetReservation[]): BudgetReservation | undefined => {
      spent = this.spendWith(booked, live, request.workflow);
      return request.fits(spent) ? candidate : undefined;
    };
    const persistence = this.options.persistence;
    if (persistence?.reserve && persistence.merge) {
      const reserve = persistence.reserve.bind(persistence);
      const reservation = await this.exclusiveSave(async (delta) => {
        const { stored, reserved } = await reserve(delta, (booked, live) => decide(this.add(booked, this.pending), live));
        return { stored, result: reserved };
      });
      return { reservation, spent };
    }
    await this.refresh();
    const reservation = decide(this.snapshot(), [...this.localReservations.values()]);
    if (reservation) this.localReservations.set(reservation.id, reservation);
    return { reservation, spent };
  }

  /**
   * Stops counting a reservation: call it after the call's real cost is recorded (recordUpstreamCall) or when
   * the call failed. In a shared store the removal is saved with (or after) the real cost, so no other process
   * sees the call counted neither way; `flush` waits for it.
   */
  release(reservation: BudgetReservation): void {
    if (this.localReservations.delete(reservation.id)) return;
    const persistence = this.options.persistence;
    if (!persistence?.reserve || !persistence.merge) return;
    this.releasing.push(reservation.id);
    this.scheduleSave();
  }

  /** Per-day figures, oldest first. */
  dailyCosts(): DailyCost[] {
    return this.snapshot().days;
  }

  /** Per local day, in all and per workflow, oldest first (the last 31 days). */
  workflowDailyCosts(): WorkflowDayCost[] {
    return this.snapshot().workflowDays ?? [];
  }

  /**
   * Reads again what the persistence holds, so spend that other processes saved since counts here (a budget
   * check wants today's spend of every window and CLI run). A failed read is reported and changes nothing.
   */
  async refresh(): Promise<void> {
    const persistence = this.options.persistence;
    if (!persistence) return;
    // A save under way would be counted twice: once in the file, once as in flight.
    await this.flush();
    try {
      const stored = await persistence.load();
      this.stored = stored ? this.add(emptySnapshot(), stored) : emptySnapshot();
    } catch (error) {
      this.report(error instanceof CacheError ? error : new LedgerPersistError(`Could not read the cost ledger (${describeError(error)}).`, { cause: error }));
    }
  }

  async reset(): Promise<void> {
    await this.flush();
    this.stored = emptySnapshot();
    this.pending = emptySnapshot();
    this.events.emit('change', this.totals());
    const persistence = this.options.persistence;
    if (!persistence) return;
    try {
      // A reset replaces what every process stored, so it is the one write that is not a merge.
      await persistence.save(emptySnapshot());
    } catch (error) {
      this.report(new LedgerPersistError(`Could not save the cost ledger (${describeError(error)}); totals are kept in memory.`, { cause: error }));
    }
  }

  /** Resolves once every change so far is saved (or its save failed and was reported). */
  async flush(): Promise<void> {
    if (this.dirty && !this.saving) this.startSave();
    while (this.saving) await this.saving;
  }

  snapshot(): LedgerSnapshot {
    return this.add(this.add(this.stored, this.inFlight), this.pending);
  }

  private add(a: LedgerSnapshot, b: LedgerSnapshot): LedgerSnapshot {
    return addSnapshots(a, b, { days: this.keepDays, workflowDays: WORKFLOW_DAYS_KEPT });
  }

  private pricesFor(model: string): ModelPrices | undefined {
    return resolvePrices(model, this.priceOverrides, this.priceTable);
  }

  private today(): DailyCost {
    const key = dayOf(this.clock.now());
    let day = this.pending.days.find((entry) => entry.day === key);
    if (!day) {
      day = { day: key, spentUsd: 0, savedUsd: 0, savedByLocalHitsUsd: 0, savedByProviderCacheUsd: 0, upstreamCalls: 0, avoidedCalls: 0 };
      this.pending.days.push(day);
    }
    return day;
  }

  private localToday(): WorkflowDayCost {
    const key = localDayOf(this.clock.now());
    const days = (this.pending.workflowDays ??= []);
    let day = days.find((entry) => entry.day === key);
    if (!day) {
      day = { day: key, spentUsd: 0, byWorkflow: {} };
      days.push(day);
    }
    return day;
  }

  private restore(snapshot: LedgerSnapshot): void {
    this.stored = this.add(emptySnapshot(), snapshot);
  }

  private changed(): void {
    // Totals merge every stored day: only worth it when someone listens (the editor does, the CLI does not).
    if (this.events.hasListeners('change')) this.events.emit('change', this.totals());
    this.scheduleSave();
  }

  /**
   * Saves in the background; changes made during a save are folded into one more save after it. A merging
   * persistence gets only the changes and returns the merged whole; a plain one gets the whole.
   */
  private scheduleSave(): void {
    if (!this.options.persistence) return;
    this.dirty = true;
    if (this.saving) return;
    if (this.options.holdSavingsUntilFlush && !carriesSpend(this.pending) && this.releasing.length === 0) return;
    this.startSave();
  }

  private startSave(): void {
    const persistence = this.options.persistence;
    if (!persistence) return;
    this.saving = (async () => {
      while (this.dirty) {
        this.dirty = false;
        this.inFlight = this.pending;
        this.pending = emptySnapshot();
        const releasing = this.releasing.splice(0);
        try {
          if (persistence.merge) {
            const merged = releasing.length > 0 ? await persistence.merge(this.inFlight, releasing) : await persistence.merge(this.inFlight);
            this.stored = this.add(emptySnapshot(), merged);
          } else {
            const whole = this.add(this.stored, this.inFlight);
            await persistence.save(whole);
            this.stored = whole;
          }
        } catch (error) {
          // Nothing is lost: the changes wait for the next save.
          this.pending = this.add(this.inFlight, this.pending);
          this.releasing.unshift(...releasing);
          this.report(
            new LedgerPersistError(`Could not save the cost ledger (${describeError(error)}); totals are kept in memory.`, {
              cause: error,
            }),
          );
        }
        this.inFlight = emptySnapshot();
      }
      this.saving = undefined;
    })();
  }

  /** Today's booked spend in `booked` plus what `live` reservations hold. */
  private spendWith(booked: LedgerSnapshot, live: readonly BudgetReservation[], workflow: string): SpendWithReservations {
    const today = booked.workflowDays?.find((entry) => entry.day === localDayOf(this.clock.now()));
    const held = reservedUsd(live, workflow);
    return {
      todayUsd: (today?.spentUsd ?? 0) + held.totalUsd,
      workflowUsd: (today?.byWorkflow[workflow] ?? 0) + held.workflowUsd,
    };
  }

  /**
   * Runs one store operation in the place of a save (after any save under way, before the next), handing it the
   * unsaved changes; what it returns as stored becomes the ledger's stored totals. On failure the changes wait
   * for the next save and the error is thrown.
   */
  private async exclusiveSave<T>(operation: (delta: LedgerSnapshot) => Promise<{ stored: LedgerSnapshot; result: T }>): Promise<T> {
    await this.flush();
    // flush returned with no save under way, and nothing ran since: this claims the slot before anyone else.
    const running = (async (): Promise<{ ok: true; result: T } | { ok: false; error: unknown }> => {
      this.dirty = false;
      this.inFlight = this.pending;
      this.pending = emptySnapshot();
      let outcome: { ok: true; result: T } | { ok: false; error: unknown };
      try {
        const { stored, result } = await operation(this.inFlight);
        this.stored = this.add(emptySnapshot(), stored);
        outcome = { ok: true, result };
      } catch (error) {
        this.pending = this.add(this.inFlight, this.pending);
        outcome = { ok: false, error };
      }
      this.inFlight = emptySnapshot();
      this.saving = undefined;
      // Changes made meanwhile (and releases) were only marked dirty: save them now.
      if (this.dirty) this.scheduleSave();
      return outcome;
    })();
    this.saving = running.then(() => undefined);
    const outcome = await running;
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }

  private report(problem: CacheError): void {
    this.events.emit('problem', problem);
  }
}

/** The UTC calendar day of a timestamp, YYYY-MM-DD. */
export function dayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
