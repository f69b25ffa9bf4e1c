import type { UsagePrewarmReport } from '../../core/usage/usagePrewarm';
import { formatDollars } from '../format';

/** The one-line outcome of a prewarm from usage, and whether anything failed. */
export function summarizeUsagePrewarm(report: UsagePrewarmReport, maxUsd: number): { message: string; failed: number; ran: number } {
  if (report.candidates.length === 0) {
    return { message: 'Claude Cache: nothing to prewarm; the usage log has no missed runs for this workspace yet.', failed: 0, ran: 0 };
  }
  let answered = 0;
  let cached = 0;
  let failed = 0;
  for (const outcome of report.outcomes) {
    if (outcome.error || !outcome.result) failed += 1;
    else if (outcome.result.cached) cached += 1;
    else answered += 1;
  }
  const parts = [`${answered} answered by Claude (${formatDollars(report.spentUsd)})`, `${cached} already fresh`];
  if (failed > 0) parts.push(`${failed} failed`);
  const ran = report.outcomes.length;
  const total = report.candidates.length;
  const head =
    report.stoppedBy === 'cancelled'
      ? `Claude Cache: prewarm from usage cancelled after ${ran} of ${total}`
      : `Claude Cache: prewarmed ${ran} of ${total} often-missed workflow${total === 1 ? '' : 's'}`;
  const tail =
    report.stoppedBy === 'cap'
      ? `; stopped before the ${formatDollars(maxUsd)} cap`
      : report.skipped.length > 0
        ? `; ${report.skipped.length} skipped (cost unknown)`
        : '';
  return { message: `${head}: ${parts.join(', ')}${tail}.`, failed, ran };
}
