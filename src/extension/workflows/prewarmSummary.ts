import type { PrewarmOutcome } from '../../core/engine';
import { formatDollars } from '../format';

/** The one-line outcome of a prewarm. */
export function summarizePrewarm(
  outcomes: readonly PrewarmOutcome[],
  total: number,
  cancelled: boolean,
): { message: string; answered: number; cached: number; failed: number } {
  let answered = 0;
  let cached = 0;
  let failed = 0;
  let spent = 0;
  let unknownCost = false;
  for (const outcome of outcomes) {
    if (outcome.error || !outcome.result) {
      failed += 1;
      continue;
    }
    if (outcome.result.cached) cached += 1;
    else answered += 1;
    if (outcome.result.costUsd === 'unknown') unknownCost = true;
    else spent += outcome.result.costUsd;
  }
  const parts = [`${answered} answered by Claude (${unknownCost ? 'cost partly unknown' : formatDollars(spent)})`, `${cached} already cached`];
  if (failed > 0) parts.push(`${failed} failed`);
  const head = cancelled
    ? `Claude Cache: prewarm cancelled after ${outcomes.length} of ${total}`
    : `Claude Cache: prewarmed ${total} workflow${total === 1 ? '' : 's'}`;
  return { message: `${head}: ${parts.join(', ')}.`, answered, cached, failed };
}
