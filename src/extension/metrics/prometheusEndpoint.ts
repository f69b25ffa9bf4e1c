import type { EngineApi, HostedEngine } from '../../core/engine';
import type { Logger } from '../../core/logger';
import { CacheMetrics, MetricsEndpoint, type Exposition, type MetricsSource } from '../../core/metrics';
import type { EngineHostReader } from '../engine/engineHost';
import { Disposable, toDisposable } from '../lifecycle';

/** What serves one engine's metrics. */
export interface EngineExposition extends Exposition {
  dispose(): void;
}

export interface PrometheusEndpointOptions<E extends HostedEngine> {
  host: EngineHostReader<E>;
  logger: Logger;
  /** Shows a warning to the user (once per port that cannot be used). */
  warn: (message: string) => void;
  /** cacheMetrics in the extension; a test gives a double that needs no real engine. */
  metricsFor: (engine: E) => EngineExposition;
}

/**
 * `claudeCache.metrics.port` in the editor: serves the open engine's metrics on 127.0.0.1, follows the setting
 * as it changes (0 = off) and the engine as it is reopened (503 while none is open).
 */
export class PrometheusEndpoint<E extends HostedEngine = EngineApi> extends Disposable {
  private current: { engine: E; exposition: EngineExposition } | undefined;
  private readonly endpoint: MetricsEndpoint;
  private readonly warned = new Set<string>();
  private port = 0;

  constructor(private readonly options: PrometheusEndpointOptions<E>) {
    super();
    const log = options.logger.child('metrics');
    this.endpoint = new MetricsEndpoint({
      exposition: () => this.current?.exposition,
      onListening: (url) => log.info(`serving Prometheus metrics at ${url}`),
      onProblem: (problem) => {
        log.warn(problem.message);
        if (this.warned.has(problem.message)) return;
        this.warned.add(problem.message);
        options.warn(`Claude Cache: ${problem.message}`);
      },
    });
    this._register(toDisposable(options.host.events.on('state', () => this.follow())));
    this._register(toDisposable(options.host.events.on('changed', () => this.follow())));
    this._register(
      toDisposable(() => {
        this.current?.exposition.dispose();
        this.current = undefined;
        void this.endpoint.close();
      }),
    );
    this.follow();
  }

  /** Settles once the server matches the latest settings (for tests). */
  settled(): Promise<void> {
    return this.endpoint.idle();
  }

  get url(): string | undefined {
    return this.endpoint.port === undefined ? undefined : `http://127.0.0.1:${this.endpoint.port}/metrics`;
  }

  private follow(): void {
    if (this.isDisposed) return;
    const state = this.options.host.state;
    const engine = this.options.host.engineIfReady;
    if (engine !== this.current?.engine) {
      this.current?.exposition.dispose();
      this.current = engine ? { engine, exposition: this.options.metricsFor(engine) } : undefined;
    }
    // While an engine reopens the last port stays served (answering 503); a closed host serves nothing.
    if (engine) this.port = engine.config.metrics.port;
    else if (state.phase === 'closed') this.port = 0;
    void this.endpoint.setPort(this.port);
  }
}

/** The Prometheus exposition of one open engine (CacheMetrics over it). */
export function cacheMetrics(engine: MetricsSource): EngineExposition {
  const metrics = new CacheMetrics(engine);
  return { contentType: metrics.contentType, body: () => metrics.exposition(), dispose: () => metrics.dispose() };
}
