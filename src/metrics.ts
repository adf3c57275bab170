import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
  /** Retries the vendor's retry budget refused (the call failed with its first failure instead). */
  vendorRetriesDenied: Counter<'vendor' | 'operation'>;
  /** Calls failed fast by an open circuit, without an upstream request. */
  vendorShortCircuits: Counter<'vendor' | 'operation'>;
  /** Each vendor's circuit: 0 closed, 1 half-open (one probe in flight), 2 open. */
  vendorCircuitState: Gauge<'vendor'>;
  graphqlOperations: Counter<'operation' | 'outcome'>;
  /** GraphQL requests past the operation gate and not yet answered. */
  operationsRunning: Gauge;
  /** Slots of the operation gate those operations take (an operation weighs one slot per so many vendor calls). */
  operationSlotsInUse: Gauge;
  /** GraphQL requests waiting at the operation gate for their turn. */
  operationsWaiting: Gauge;
  /** Requests answered 503 after waiting at the operation gate for longer than the operation timeout. */
  operationsShed: Counter;
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
    vendorRetriesDenied: new Counter({
      name: 'gateway_vendor_retries_denied_total',
      help: 'Upstream retries refused by the vendor retry budget (retries stay within ~10% of first attempts).',
      labelNames: ['vendor', 'operation'],
      registers: [registry],
    }),
    vendorShortCircuits: new Counter({
      name: 'gateway_vendor_short_circuits_total',
      help: 'Vendor calls failed fast by an open circuit breaker, without an upstream request.',
      labelNames: ['vendor', 'operation'],
      registers: [registry],
    }),
    vendorCircuitState: new Gauge({
      name: 'gateway_vendor_circuit_state',
      help: 'Circuit breaker state per vendor: 0 closed, 1 half-open (probing), 2 open (failing fast).',
      labelNames: ['vendor'],
      registers: [registry],
    }),
    graphqlOperations: new Counter({
      name: 'gateway_graphql_operations_total',
      help: 'GraphQL operations by operation name and outcome (ok / error).',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    }),
    operationsRunning: new Gauge({
      name: 'gateway_operations_running',
      help: 'GraphQL HTTP requests being executed (at most GATEWAY_MAX_CONCURRENT_OPERATIONS, fewer when they are heavy).',
      registers: [registry],
    }),
    operationSlotsInUse: new Gauge({
      name: 'gateway_operation_slots_in_use',
      help: 'Slots of GATEWAY_MAX_CONCURRENT_OPERATIONS the running operations take (one per GATEWAY_VENDOR_CALLS_PER_SLOT vendor calls they made last time, at least one).',
      registers: [registry],
    }),
    operationsWaiting: new Gauge({
      name: 'gateway_operations_waiting',
      help: 'GraphQL HTTP requests waiting for their turn at GATEWAY_MAX_CONCURRENT_OPERATIONS.',
      registers: [registry],
    }),
    operationsShed: new Counter({
      name: 'gateway_operations_shed_total',
      help: 'GraphQL HTTP requests answered 503 after waiting for their turn longer than the operation timeout.',
      registers: [registry],
    }),
  };
}
