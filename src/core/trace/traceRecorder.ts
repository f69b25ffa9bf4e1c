import { TIERS, type Layer, type Tier, type TierStatus } from '../layers';
import { tierLabel } from '../tiers/tierRegistry';
import type { EngineObserver, TierRead } from '../observe/engineObserver';
import type { LayerStep } from '../pipeline';
import type { LookupTrace, TierProbe, TraceStep } from './lookupTrace';

/** What a recorder needs to know at the end of the run to say why each lookup went as it did. */
export interface TraceContext {
  runId: string;
  workflow: string;
  cached: boolean;
  fresh: boolean;
  /** Why the stored context snapshot could not be used (files changed), as the pipeline describes it. */
  contextChanges: readonly string[];
  /** Why the result layer missed, as the pipeline explains it. */
  missReasons: readonly string[];
  tierStatus: (tier: Tier) => TierStatus;
}

/**
 * Collects one run's lookup trace: subscribed to the engine's observers for the run, it keeps the shared-tier
 * reads of the run's keys, and times each layer step from the end of the previous one (steps run one after
 * another, so the gaps are the lookups).
 */
export class TraceRecorder implements EngineObserver {
  private readonly reads = new Map<string, TierRead[]>();
  private readonly steps: Array<{ step: LayerStep; ms: number }> = [];
  private readonly started = process.hrtime.bigint();
  private last = this.started;

  constructor(private readonly startedAt: number) {}

  tierRead(read: TierRead): void {
    const id = readId(read.layer, read.key);
    const list = this.reads.get(id);
    if (list) list.push(read);
    else this.reads.set(id, [read]);
  }

  /** A layer lookup finished. */
  stepDone(step: LayerStep): void {
    const now = process.hrtime.bigint();
    this.steps.push({ step, ms: Number(now - this.last) / 1e6 });
    this.last = now;
  }

  build(context: TraceContext): LookupTrace {
    const steps = this.steps.map(({ step, ms }) => this.traceStep(step, ms, context));
    return {
      runId: context.runId,
      workflow: context.workflow,
      startedAt: this.startedAt,
      totalMs: Number(process.hrtime.bigint() - this.started) / 1e6,
      cached: context.cached,
      steps,
    };
  }

  private traceStep(step: LayerStep, ms: number, context: TraceContext): TraceStep {
    const reads = this.reads.get(readId(step.layer, step.key)) ?? [];
    const stale = step.layer === 'context' && context.contextChanges.length > 0;
    const tiers: TierProbe[] = [];
    for (const tier of TIERS) {
      if (tier === 'memory') {
        tiers.push({ tier, outcome: step.source === 'memory' ? 'hit' : stale && reads.length === 0 ? 'stale' : 'miss' });
        if (step.source === 'memory') break;
        continue;
      }
      const own = reads.filter((read) => read.tier === tier);
      if (own.length === 0) {
        if (context.tierStatus(tier) !== 'off') tiers.push({ tier, outcome: 'skipped' });
        continue;
      }
      // The first read is the lookup's own; later ones are the single-flight lock re-reading before a computation.
      const first = own[0] as TierRead;
      tiers.push({ tier, outcome: first.outcome, ms: first.seconds * 1000 });
      if (step.source === tier) break;
    }
    const outcome = step.source === 'compute' ? 'miss' : step.source === 'joined' ? 'joined' : 'hit';
    const base: TraceStep = { layer: step.layer, key: step.key, outcome, source: step.source, tiers, why: why(step, tiers, stale, context), ms };
    return step.module === undefined ? base : { ...base, module: step.module };
  }
}

function readId(layer: Layer, key: string): string {
  return `${layer}\u0000${key}`;
}

function why(step: LayerStep, tiers: readonly TierProbe[], stale: boolean, context: TraceContext): string {
  switch (step.source) {
    case 'memory':
      return 'held in memory';
    case 'joined':
      return 'shared the answer of an identical run that was already computing it';
    case 'compute':
      break;
    default:
      return `found in ${tierLabel(step.source)}, copied into memory`;
  }
  if (stale) return `the stored snapshot was out of date: ${context.contextChanges.join('; ')}`;
  if (step.layer === 'result') {
    if (context.fresh) return 'a fresh answer was asked for';
    if (context.missReasons.length > 0) return context.missReasons.join('; ');
  }
  const failed = tiers.filter((probe) => probe.outcome === 'error').map((probe) => probe.tier);
  const unasked = tiers.filter((probe) => probe.outcome === 'skipped').map((probe) => probe.tier);
  const notes = [
    ...(failed.length ? [`${failed.join(' and ')} failed`] : []),
    ...(unasked.length ? [`${unasked.join(' and ')} not asked (unavailable)`] : []),
  ];
  return `not cached in any tier (first run, expired or invalidated)${notes.length ? `; ${notes.join('; ')}` : ''}`;
}
