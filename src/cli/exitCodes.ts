/** The CLI's exit codes: scripts and CI jobs branch on them, so each outcome has its own. */

/** A run that could pass a dollar cap was refused. */
export const EXIT_OVER_BUDGET = 3;

/** Claude declined to answer (stop reason `refusal`); the refusal is printed, never cached. */
export const EXIT_REFUSED = 4;
