// An open-loop load at a fixed arrival rate, for latency: request i is due at start + i / rate, whatever happened
// to the ones before it, and its latency runs from when it was due (not from when a connection was free to send
// it), so a stall delays every request behind it and shows in the percentiles (no coordinated omission, as
// wrk2 measures). Requests wait for one of `connections` keep-alive connections (undici's Pool, no pipelining).
//
// Why not autocannon's `overallRate`: it sends each connection's share of a second's requests back to back at the
// start of every second (bursts of `connections` at once, not a steady rate), and its coordinated-omission
// correction takes the per-connection interval in seconds where its histogram counts milliseconds (autocannon
// 8.0.0, lib/run.js: `recordValueWithExpectedInterval(responseTime, Math.ceil(1 / rate))`), which records a 20 ms
// answer as 20, 19, 18 … 1 ms: a server answering in exactly 20 ms measured p50 11 ms.
import { build } from 'hdr-histogram-js';
import { Pool } from 'undici';
import { hasError } from './load.mjs';

/** Latencies are recorded in microseconds: the added latency the issue asks about is a few milliseconds. */
const US_PER_MS = 1000;

export async function runFixedRate({ url, headers, requests, rate, connections, durationSeconds }) {
  if (requests.length !== 1 || requests[0].setupRequest) {
    throw new Error('the fixed-rate load replays one request body (a scenario without per-request setup)');
  }
  const { origin, pathname } = new URL(url);
  const pool = new Pool(origin, { connections, pipelining: 1 });
  const histogram = build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000 * US_PER_MS });
  const body = requests[0].body;
  const requestHeaders = { 'content-type': 'application/json', ...headers };
  const total = Math.round(rate * durationSeconds);
  const intervalMs = 1000 / rate;
  let errors = 0;
  let sampleError;

  const send = async (dueAt) => {
    try {
      const response = await pool.request({ path: pathname, method: 'POST', headers: requestHeaders, body });
      const text = await response.body.text();
      histogram.recordValue(Math.max(1, Math.round((performance.now() - dueAt) * US_PER_MS)));
      if (hasError(response.statusCode, text)) {
        errors += 1;
        sampleError ??= `${response.statusCode} ${text.slice(0, 300)}`;
      }
    } catch (error) {
      errors += 1;
      sampleError ??= String(error);
    }
  };

  const started = performance.now();
  const inFlight = [];
  for (let i = 0; i < total; i += 1) {
    const dueAt = started + i * intervalMs;
    const wait = dueAt - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(send(dueAt));
  }
  await Promise.all(inFlight);
  await pool.close();
  // On schedule, the throughput is the rate; a system that fell behind (its last answer came more than a second
  // after the schedule ended) is credited with what it answered over the time it took.
  const elapsedSeconds = (performance.now() - started) / 1000;
  const ms = (percentile) => histogram.getValueAtPercentile(percentile) / US_PER_MS;
  return {
    requests: total,
    rps: elapsedSeconds > durationSeconds + 1 ? total / elapsedSeconds : rate,
    p50Ms: ms(50),
    p99Ms: ms(99),
    errors,
    sampleError,
  };
}
