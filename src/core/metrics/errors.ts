import { CacheError } from '../errors';

/** The metrics port is taken by another program (or another window serving metrics). */
export class MetricsPortInUseError extends CacheError {
  readonly code = 'E_METRICS_PORT_IN_USE';

  constructor(readonly port: number) {
    super(
      `port ${port} on 127.0.0.1 is already in use, so no metrics are served; free it or choose another claudeCache.metrics.port (0 turns metrics off)`,
    );
  }
}

/** The metrics server could not listen for another reason (a port below 1024 without the right, say). */
export class MetricsServerError extends CacheError {
  readonly code = 'E_METRICS_SERVER';
}
