import type { AlertMonitor } from '../alerts';
import type { ArchivedAnswers } from '../archive/archivedAnswers';
import type { CacheConfig } from '../config';
import type { CostLedger } from '../cost';
import type { EngineProblems } from '../engineProblems';
import type { ObserverSet } from '../observe/observerSet';
import type { AnswerPrompt, RunResult, WorkflowPipeline } from '../pipeline';
import type { SimilarAnswer, SimilarQuery, SimilarAnswers } from '../similar/similarAnswers';
import type { LifetimeCounters } from '../stats/lifetimeCounters';
import type { TieredCache } from '../tiered/tieredCache';
import type { TierOpening } from '../tiers/sharedTierDriver';
import type { SelfTuning } from '../tuning/selfTuning';
import type { UsagePrewarmReport } from '../usage/usagePrewarm';
import type { PrewarmFromUsageOptions, PrewarmItem, PrewarmOptions, PrewarmOutcome } from './enginePrewarm';
import type { EngineStats } from './engineStats';

/**
 * The engine as the adapters (extension, CLI) use it: what they may read and call. CacheEngine implements it; an
 * adapter that needs less depends on a Pick of it, so a test can hand it a small double without casts.
 */
export interface EngineApi {
  readonly config: CacheConfig;
  readonly cache: TieredCache;
  readonly ledger: CostLedger;
  readonly pipeline: WorkflowPipeline;
  readonly openings: readonly TierOpening[];
  readonly tuning: SelfTuning;
  readonly encrypted: boolean;
  readonly observers: ObserverSet;
  readonly alerts: AlertMonitor;
  readonly problems: EngineProblems;
  readonly archive: ArchivedAnswers | undefined;
  readonly similar: SimilarAnswers | undefined;
  readonly lastRun: RunResult | undefined;
  readonly lastAnswerPrompt: AnswerPrompt | undefined;
  readonly hasApiKey: boolean;
  readonly surrealReach: string | undefined;
  setApiKey(apiKey: string | undefined): void;
  applyConfig(next: CacheConfig): { reopenNeeded: boolean };
  similarAnswers(query: SimilarQuery): Promise<SimilarAnswer[]>;
  similarIndexSettled(): Promise<void>;
  stats(): Promise<EngineStats>;
  prewarm(workspace: string, items: readonly PrewarmItem[], options?: PrewarmOptions): Promise<PrewarmOutcome[]>;
  prewarmFromUsage(workspace: string, options?: PrewarmFromUsageOptions): Promise<UsagePrewarmReport>;
  lifetimeCounts(): Promise<LifetimeCounters>;
  flushStats(): Promise<void>;
  resetStats(): Promise<void>;
  close(): Promise<void>;
}

/**
 * What the extension's EngineHost and the readers that follow it (the views' snapshots, the alert notifications)
 * touch on the engine it hosts: settings in, events out, one report per repaint. Every EngineApi is one; a test
 * hands the host a double of just this.
 */
export interface HostedEngine
  extends Pick<EngineApi, 'config' | 'openings' | 'hasApiKey' | 'setApiKey' | 'applyConfig' | 'close'> {
  readonly cache: Pick<TieredCache, 'events' | 'report'>;
  readonly ledger: Pick<CostLedger, 'on' | 'totals' | 'spentToday'>;
  readonly alerts: Pick<AlertMonitor, 'active' | 'events'>;
}
