import path from 'node:path';
import { describeError } from '../errors';
import { formatDollars } from '../format/money';
import type { Logger } from '../logger';
import type { RunResult, WorkflowPipeline } from '../pipeline';
import type { SelfTuning } from '../tuning/selfTuning';
import { prewarmFromUsage, type UsagePrewarmOptions, type UsagePrewarmReport } from '../usage/usagePrewarm';
import type { CacheConfig } from '../config';

export interface PrewarmItem {
  workflow: string;
  args?: readonly string[];
  inputs?: Readonly<Record<string, string>>;
  file?: string;
}

export interface PrewarmOutcome {
  item: PrewarmItem;
  result?: RunResult;
  error?: Error;
}

export interface PrewarmOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, outcome: PrewarmOutcome) => void;
  /** Whether the workspace is trusted: workflows' `!` commands run only then (see RunRequest.trustedWorkspace). */
  trustedWorkspace?: boolean;
}

export type PrewarmFromUsageOptions = Partial<Omit<UsagePrewarmOptions, 'signal' | 'onProgress'>> &
  Pick<UsagePrewarmOptions, 'signal' | 'onProgress'> & { trustedWorkspace?: boolean };

/** Runs each item through the pipeline so its answers are cached; one failure does not stop the rest. */
export async function prewarm(
  pipeline: WorkflowPipeline,
  logger: Logger,
  workspace: string,
  items: readonly PrewarmItem[],
  options: PrewarmOptions = {},
): Promise<PrewarmOutcome[]> {
  const outcomes: PrewarmOutcome[] = [];
  for (const item of items) {
    if (options.signal?.aborted) break;
    let outcome: PrewarmOutcome;
    try {
      const result = await pipeline.run({
        workflow: item.workflow,
        workspace,
        params: { args: [...(item.args ?? [])], inputs: { ...(item.inputs ?? {}) } },
        ...(item.file ? { filePath: item.file } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        trustedWorkspace: options.trustedWorkspace === true,
        origin: 'prewarm',
      });
      outcome = { item, result };
    } catch (error) {
      outcome = { item, error: error instanceof Error ? error : new Error(String(error)) };
      logger.warn(`prewarm ${item.workflow}: ${describeError(error)}`);
    }
    outcomes.push(outcome);
    options.onProgress?.(outcomes.length, items.length, outcome);
  }
  return outcomes;
}

/**
 * Prewarms this workspace's most often missed workflows from the usage log, most missed first: cancellable
 * through the signal, stopping before `maxUsd` (settings by default). A candidate whose entries are still fresh is
 * answered by the cache and costs no Claude call.
 */
export async function prewarmWorkspaceFromUsage(
  parts: { pipeline: WorkflowPipeline; tuning: SelfTuning; logger: Logger; config: CacheConfig },
  workspace: string,
  options: PrewarmFromUsageOptions = {},
): Promise<UsagePrewarmReport> {
  const limits = parts.config.prewarm.fromUsage;
  const root = path.resolve(workspace);
  const trustedWorkspace = options.trustedWorkspace === true;
  const report = await prewarmFromUsage(
    {
      records: () => parts.tuning.log.read({ workspace: root }),
      run: async (item, signal) =>
        (await prewarm(parts.pipeline, parts.logger, root, [item], { ...(signal ? { signal } : {}), trustedWorkspace }))[0] ?? { item },
    },
    {
      maxUsd: options.maxUsd ?? limits.maxUsd,
      maxItems: options.maxItems ?? limits.maxItems,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    },
  );
  parts.logger.info(
    `prewarm from usage: ${report.outcomes.length} of ${report.candidates.length} runs, ` +
      `${report.upstreamCalls} Claude calls, ${formatDollars(report.spentUsd)} (${report.stoppedBy})`,
  );
  return report;
}
