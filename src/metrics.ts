import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics. One registry per gateway instance (tests run several gateways in one process and read
 * each one's counts); `/metrics` serves it.
 */
export interface Metrics {
  registry: Registry;
  /** Every upstream HTTP attempt, retries included, by vendor, operation and outcome. */
  vendorRequests: Counter<'vendor' | 'operation' | 'status'>;
  vendorRequestDuration: Histogram<'vendor' | 'operation'>;
  vendorRetries: Counter<'vendor' | 'operation' | 'reason'>;
  graphqlOperations: Counter<'operation' | 'outcome'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    vendorRequests: new Counter({
      name: 'gateway_vendor_requests_total',
      help: 'Upstream HTTP requests by vendor, operation and status (HTTP status, or timeout / network_error).',
      labelNames: ['vendor', 'operation', 'status'],
      registers: [registry],
    }),
    vendorRequestDuration: new Histogram({
      name: 'gateway_vendor_request_duration_seconds',
      help: 'Upstream HTTP request duration by vendor and operation.',
      labelNames: ['vendor', 'operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    vendorRetries: new Counter({
      name: 'gateway_vendor_retries_total',
      help: 'Upstream retries by vendor, operation and reason.',
      labelNames: ['vendor', 'operation', 'reason'],
      registers: [registry],
    }),
    graphqlOperations: new Counter({
      name: 'gateway_graphql_operations_total',
      help: 'GraphQL operations by operation name and outcome (ok / error).',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    }),
  };
}
