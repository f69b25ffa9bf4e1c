import type { Usage } from '../claude';
import type { CostLedger, Dollars, RecordedCall } from '../cost';
import type { TraceRecorder } from '../trace';
import type { LayerStep, RunProgress, RunRequest } from './runTypes';

/** Adds up one run's calls and savings as they happen, and books them in the ledger. */
export class RunAccounting {
  readonly steps: LayerStep[] = [];
  usage: Usage | null = null;
  costUsd: Dollars = 0;
  savedUsd = 0;
  upstreamCalls = 0;

  /** Set once the user chose to run over budget, so one run asks at most once. */
  overBudgetApproved = false;
  /** Modules whose answer was cut off or refused: the run's answer is then not cached. */
  readonly incompleteModules: string[] = [];
  private readonly avoidedCosts: Dollars[] = [];

  constructor(
    private readonly ledger: CostLedger,
    private readonly recorder: TraceRecorder,
    readonly workflow: string,
    readonly confirmOverBudget: RunRequest['confirmOverBudget'],
    private readonly onProgress?: RunRequest['onProgress'],
  ) {}

  /** Tells the caller's progress display; a display that throws never fails the run. */
  progress(event: RunProgress): void {
    try {
      this.onProgress?.(event);
    } catch {
      // A progress display is advisory.
    }
  }

  /** A layer lookup finished: kept for the result and timed for the trace. */
  step(step: LayerStep): void {
    this.steps.push(step);
    this.recorder.stepDone(step);
  }

  paid(model: string, usage: Usage): RecordedCall {
    const recorded = this.ledger.recordUpstreamCall({ model, usage, workflow: this.workflow });
    this.upstreamCalls += 1;
    this.usage = addUsage(this.usage, usage);
    this.costUsd = addDollars(this.costUsd, recorded.costUsd);
    if (recorded.providerCacheSavingUsd !== 'unknown') this.savedUsd += recorded.providerCacheSavingUsd;
    this.progress({ kind: 'spent', spentUsd: this.costUsd });
    return recorded;
  }

  /** A hit spared a call; the ledger hears of it when the run settles, so a run that fails saves nothing. */
  avoided(originalCost: Dollars): void {
    this.avoidedCosts.push(originalCost);
    if (originalCost !== 'unknown') this.savedUsd += originalCost;
  }

  /** The run answered: what its hits spared goes on the ledger. */
  settle(): void {
    for (const cost of this.avoidedCosts.splice(0)) this.ledger.recordAvoidedCall(cost);
  }
}

function addDollars(a: Dollars, b: Dollars): Dollars {
  return a === 'unknown' || b === 'unknown' ? 'unknown' : a + b;
}

function addUsage(total: Usage | null, usage: Usage): Usage {
  if (!total) return { ...usage };
  return {
    inputTokens: total.inputTokens + usage.inputTokens,
    outputTokens: total.outputTokens + usage.outputTokens,
    cacheWrite5mTokens: total.cacheWrite5mTokens + usage.cacheWrite5mTokens,
    cacheWrite1hTokens: total.cacheWrite1hTokens + usage.cacheWrite1hTokens,
    cacheReadTokens: total.cacheReadTokens + usage.cacheReadTokens,
  };
}
