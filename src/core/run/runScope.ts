import type { Logger } from '../logger';
import type { RunAccounting } from './runAccounting';
import type { PipelineDependencies } from './runTypes';

/** What every step of one run works with: the pipeline's dependencies, its logger, and this run's accounting. */
export interface RunScope {
  readonly deps: PipelineDependencies;
  /** The pipeline's logger (`pipeline`), so a step's messages read as they did before the run was split up. */
  readonly logger: Logger;
  readonly run: RunAccounting;
}
