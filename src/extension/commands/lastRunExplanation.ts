import type { EngineApi } from '../../core/engine';
import type { LookupTrace } from '../../core/trace';

/** The document to open for "Explain Last Run", or what to tell the user when there is nothing to explain. */
export function lastRunExplanation(
  engine: Pick<EngineApi, 'lastRun'> | undefined,
  format: (trace: LookupTrace) => string,
): { markdown: string } | { message: string } {
  if (!engine) return { message: 'Claude Cache: the cache is not open yet, so there is no run to explain.' };
  const trace = engine.lastRun?.trace;
  if (!trace) return { message: 'Claude Cache: no workflow has run since the cache opened; run one, then ask again.' };
  return { markdown: format(trace) };
}
