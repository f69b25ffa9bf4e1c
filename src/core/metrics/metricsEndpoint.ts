import { CacheError, describeError } from '../errors';
import { MetricsServerError } from './errors';
import { MetricsServer, type Exposition } from './metricsServer';

export interface MetricsEndpointOptions {
  /** What to serve now; undefined while no engine is open (the server answers 503). */
  exposition: () => Exposition | undefined;
  /** A port that could not be used: reported once per port, the endpoint stays off meanwhile. */
  onProblem: (problem: CacheError) => void;
  onListening?: (url: string) => void;
}

/**
 * The metrics server following the `metrics.port` setting: started, moved or stopped as the port changes
 * (0 = off). Changes run one at a time, and a failure leaves the endpoint off instead of throwing.
 */
export class MetricsEndpoint {
  private server: MetricsServer | undefined;
  private wanted = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: MetricsEndpointOptions) {}

  /** The port served now, or undefined when off. */
  get port(): number | undefined {
    return this.server?.port;
  }

  setPort(port: number): Promise<void> {
    return this.enqueue(async () => {
      // A port that failed is not retried until the setting changes: the views ask again every few hundred ms.
      if (port === this.wanted) return;
      this.wanted = port;
      await this.server?.close();
      this.server = undefined;
      if (port === 0) return;
      try {
        this.server = await MetricsServer.start(port, this.options.exposition);
        this.options.onListening?.(this.server.url);
      } catch (error) {
        this.options.onProblem(
          error instanceof CacheError ? error : new MetricsServerError(describeError(error), { cause: error }),
        );
      }
    });
  }

  close(): Promise<void> {
    return this.setPort(0);
  }

  /** Settles once every change asked for so far is done. */
  idle(): Promise<void> {
    return this.queue;
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
