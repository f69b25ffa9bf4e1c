import { hasBudget, reserveWithinBudget, worstCaseUsage } from '../budget';
import { isCacheableStop, type ClaudeRequest, type ClaudeResponse } from '../claude';
import type { BudgetReservation } from '../cost';
import { UncachedAnswer } from '../uncachedAnswer';
import type { RunScope } from './runScope';
import type { CachedAnswer } from './runTypes';

/**
 * One paid Claude call of a run (a module's notes or the answer itself): within the budget, booked in the ledger
 * and told to the observer. Throws UncachedAnswer for an answer that is not whole, so that no tier stores it.
 */
export async function callClaude(
  scope: RunScope,
  request: ClaudeRequest,
  onText: ((chunk: string) => void) | undefined,
  signal: AbortSignal | undefined,
  module?: string,
): Promise<CachedAnswer> {
  const { deps, run } = scope;
  const client = deps.claude();
  const reservation = await enforceBudget(scope, request);
  run.progress({ kind: 'calling-claude', model: request.model, ...(module ? { module } : {}) });
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  let response: ClaudeResponse;
  try {
    response = await client.complete(request, { ...(onText ? { onText } : {}), ...(signal ? { signal } : {}) });
  } catch (error) {
    if (reservation) deps.ledger.release(reservation);
    deps.observer?.upstreamCall?.({ model: request.model, seconds: seconds(), outcome: 'error', costUsd: 0, providerCacheSavingUsd: 0 });
    throw error;
  }
  const call = run.paid(response.model || request.model, response.usage);
  // Booked just above: the reservation goes in the same save or the next, never before the real cost.
  if (reservation) deps.ledger.release(reservation);
  const recorded = call.costUsd;
  deps.observer?.upstreamCall?.({
    model: response.model || request.model,
    seconds: seconds(),
    outcome: 'ok',
    costUsd: call.costUsd,
    providerCacheSavingUsd: call.providerCacheSavingUsd,
  });
  const answer: CachedAnswer = {
    text: response.text,
    model: response.model || request.model,
    stopReason: response.stopReason,
    ...(response.stopDetails ? { stopDetails: response.stopDetails } : {}),
    usage: response.usage,
    costUsd: recorded,
    createdAt: Date.now(),
  };
  // Paid for and booked above either way; only a whole answer may become a cache entry.
  if (!isCacheableStop(response.stopReason)) throw new UncachedAnswer(answer);
  return answer;
}

/**
 * Refuses (or asks about) a call whose worst-case cost could take today's spend past a cap, and reserves that
 * worst case in the shared ledger when it fits: spend booked and reserved by every window and CLI run counts,
 * in one atomic step, so runs starting together cannot all take the same room. Returns the reservation, for
 * the caller to release once the real cost is booked or the call failed.
 */
async function enforceBudget({ deps, logger, run }: RunScope, request: ClaudeRequest): Promise<BudgetReservation | undefined> {
  const caps = deps.settings().budget;
  if (!hasBudget(caps)) return undefined;
  const claim = { caps, workflow: run.workflow, model: request.model, estimateUsd: deps.ledger.costOf(request.model, worstCaseUsage(request)) };
  const { reservation, problem } = await reserveWithinBudget(deps.ledger, { ...claim, force: run.overBudgetApproved });
  if (!problem) return reservation;
  if (run.confirmOverBudget && (await run.confirmOverBudget(problem))) {
    logger.info(`${run.workflow}: over budget, run anyway as asked (${problem.message})`);
    run.overBudgetApproved = true;
    return (await reserveWithinBudget(deps.ledger, { ...claim, force: true })).reservation;
  }
  throw problem;
}
