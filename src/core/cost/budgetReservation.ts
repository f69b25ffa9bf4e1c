import { parseStartedAt, stillRunning, type ProcessIdentity } from '../io/processIdentity';

/**
 * Dollars set aside in the shared ledger for a Claude call that is under way: its worst-case cost, counted as
 * spent by every budget check until the call's real cost is booked (or the call failed). Without it, runs that
 * start together all read the same spend, all fit, and together pass the cap.
 */
export interface BudgetReservation {
  /** Random; names the reservation to drop when its call is settled. */
  id: string;
  /** The workflow whose per-workflow cap it counts against. */
  workflow: string;
  amountUsd: number;
  /** The process that made it: once that process is gone, nothing will settle it, so it no longer counts. */
  owner: ProcessIdentity;
  /** Epoch ms after which it no longer counts even with its owner alive (a hung call, a leaked reservation). */
  expiresAt: number;
}

/** Whether a reservation still counts: before its deadline and made by a process that is still running. */
export async function reservationLive(reservation: BudgetReservation, nowMs: number): Promise<boolean> {
  return reservation.expiresAt > nowMs && (await stillRunning(reservation.owner));
}

/** The dollars that live reservations hold: in all, and for one workflow. */
export function reservedUsd(reservations: readonly BudgetReservation[], workflow: string): { totalUsd: number; workflowUsd: number } {
  let totalUsd = 0;
  let workflowUsd = 0;
  for (const reservation of reservations) {
    totalUsd += reservation.amountUsd;
    if (reservation.workflow === workflow) workflowUsd += reservation.amountUsd;
  }
  return { totalUsd, workflowUsd };
}

/**
 * Reads the reservations file's text. Anything unreadable counts as no reservation: reservations only live for
 * the length of a call, so a damaged file costs at most the calls under way, whereas refusing every run would
 * stop all work until someone deleted it.
 */
export function parseReservations(text: string): BudgetReservation[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!isRecord(parsed) || parsed.version !== 1 || !Array.isArray(parsed.reservations)) return [];
  const reservations: BudgetReservation[] = [];
  for (const entry of parsed.reservations) {
    const reservation = parseReservation(entry);
    if (reservation) reservations.push(reservation);
  }
  return reservations;
}

export function serializeReservations(reservations: readonly BudgetReservation[]): string {
  return `${JSON.stringify({ version: 1, reservations }, null, 2)}\n`;
}

function parseReservation(value: unknown): BudgetReservation | undefined {
  if (!isRecord(value) || !isRecord(value.owner)) return undefined;
  const { id, workflow, amountUsd, expiresAt } = value;
  const { pid, startedAt } = value.owner;
  if (typeof id !== 'string' || id === '' || typeof workflow !== 'string') return undefined;
  if (typeof amountUsd !== 'number' || !Number.isFinite(amountUsd) || amountUsd < 0) return undefined;
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return undefined;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
  const started = parseStartedAt(startedAt);
  return { id, workflow, amountUsd, expiresAt, owner: { pid, ...(started !== undefined ? { startedAt: started } : {}) } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
