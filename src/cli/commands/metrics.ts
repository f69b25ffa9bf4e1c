import type { CliCommand } from './command';

export const metricsCommand: CliCommand = {
  name: 'metrics',
  usage: 'claude-cache metrics [--workspace DIR]',
  summary: 'print the Prometheus exposition once (what claudeCache.metrics.port serves at /metrics)',
  options: {},
  async run(context) {
    const engine = await context.open();
    // prom-client loads only for this command.
    const { CacheMetrics } = await import('../../core/metrics');
    const metrics = new CacheMetrics(engine);
    try {
      context.print(await metrics.exposition());
    } finally {
      metrics.dispose();
    }
    return 0;
  },
};
