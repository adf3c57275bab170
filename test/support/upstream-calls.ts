import type { RunningGateway } from '../../src/server.js';

/** Upstream attempts so far, by `vendor.operation`, read from the gateway's own Prometheus counter. */
export async function upstreamCalls(gateway: RunningGateway): Promise<Record<string, number>> {
  const metric = await gateway.metrics.vendorRequests.get();
  const calls: Record<string, number> = {};
  for (const sample of metric.values) {
    const key = `${String(sample.labels.vendor)}.${String(sample.labels.operation)}`;
    calls[key] = (calls[key] ?? 0) + sample.value;
  }
  return calls;
}

/** What changed between two readings of `upstreamCalls`, zero entries left out. */
export function callsSince(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const diff = value - (before[key] ?? 0);
    if (diff !== 0) delta[key] = diff;
  }
  return delta;
}
