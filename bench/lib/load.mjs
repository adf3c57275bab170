// One load run: autocannon (no pipelining) with fixed connections for throughput, or the open-loop driver of
// fixed-rate.mjs at a fixed overall arrival rate for latency. Every response body is read: a non-2xx, a GraphQL
// `errors` entry or a non-empty `userErrors` counts as an error.
import autocannon from 'autocannon';
import { runFixedRate } from './fixed-rate.mjs';
import { procStats, resetPeakRss } from './proc.mjs';

/** True when a GraphQL answer carries an error: top-level `errors`, a non-empty `userErrors`, a vendor error. */
export function hasError(status, body) {
  if (status < 200 || status >= 300) return true;
  return (
    body.includes('"errors":[') || (body.includes('"userErrors":[') && !body.includes('"userErrors":[]'))
  );
}

/**
 * `requests` is autocannon's request list (for a sequence, each step's `setupRequest`/`onResponse` passes state
 * along in the per-connection context). `opsPerCycle` is how many requests make one operation (2 for a pair).
 */
export async function runLoad({ url, headers, requests, connections, durationSeconds, overallRate }) {
  if (overallRate)
    return runFixedRate({ url, headers, requests, rate: overallRate, connections, durationSeconds });
  let errors = 0;
  let sampleError;
  const counted = requests.map((request) => ({
    ...request,
    onResponse(status, body, context) {
      if (hasError(status, body)) {
        errors += 1;
        sampleError ??= `${status} ${body.slice(0, 300)}`;
      }
      request.onResponse?.(status, body, context);
    },
  }));
  const result = await autocannon({
    url,
    headers: { 'content-type': 'application/json', ...headers },
    method: 'POST',
    requests: counted,
    connections,
    pipelining: 1,
    duration: durationSeconds,
    timeout: 30,
  });
  const requestsDone = result.requests.total;
  return {
    requests: requestsDone,
    rps: requestsDone / durationSeconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    // Connection errors and timeouts never produced a body.
    errors: errors + result.errors + result.timeouts,
    sampleError,
  };
}

/**
 * One measured run against the process `pid`: the load's own figures, and per operation (`opsPerCycle` requests
 * each) the throughput and the process's CPU (user + system time over the answers), with its peak RSS during the
 * run (reset just before it).
 */
export async function measureLoad(pid, load, opsPerCycle = 1) {
  resetPeakRss(pid);
  const before = procStats(pid);
  const result = await runLoad(load);
  const after = procStats(pid);
  const ops = result.requests / opsPerCycle;
  return {
    result,
    rps: result.rps / opsPerCycle,
    cpuMsPerOp: ops > 0 ? ((after.cpuSeconds - before.cpuSeconds) * 1000) / ops : null,
    peakRssMB: after.peakRssMB,
  };
}
