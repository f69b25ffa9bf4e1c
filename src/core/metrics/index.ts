export { CacheMetrics } from './cacheMetrics';
export { MetricsPortInUseError, MetricsServerError } from './errors';
export { MetricsEndpoint, type MetricsEndpointOptions } from './metricsEndpoint';
export { MetricsServer, type Exposition } from './metricsServer';
export type { MetricsSource } from './metricsSource';
