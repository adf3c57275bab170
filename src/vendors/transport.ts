import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import fetch from 'node-fetch';
import { Agent as UndiciAgent, request as undiciRequest } from 'undici';

/**
 * The wire under every vendor call. Kept to this one small interface so the benchmark can swap node-fetch for
 * another client and compare like with like; nothing above `http.ts` knows which one runs.
 */
export interface TransportRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export interface TransportResponse {
  status: number;
  header(name: string): string | null;
  /** The whole body as text; rejects when the signal aborts mid-body. */
  text(): Promise<string>;
}

export interface Transport {
  send(request: TransportRequest): Promise<TransportResponse>;
  close(): void;
}

/** The transports `VENDOR_TRANSPORT` chooses between. */
export const TRANSPORT_NAMES = ['node-fetch', 'undici'] as const;
export type TransportName = (typeof TRANSPORT_NAMES)[number];

/** What `VENDOR_TRANSPORT` defaults to: undici (see the README's Performance section for the measurement). */
export const DEFAULT_TRANSPORT: TransportName = 'undici';

/**
 * What a transport throws when no complete answer came back, whichever client is underneath, so that `http.ts`
 * classifies failures the same way for both: `ECONNREFUSED` (nothing was sent), `ECONNRESET` (the connection
 * broke, possibly after the request left), `ABORT_ERR` (the caller's signal fired: timeout or cancellation),
 * or the system code of anything else (`ENOTFOUND`, …).
 */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = code === 'ABORT_ERR' ? 'AbortError' : 'TransportError';
  }
}

const RESET_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** The first error code found on the error or down its `cause` chain (undici wraps the socket's error). */
function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
    if (code === 'UND_ERR_SOCKET') {
      const inner = errorCode((current as { cause?: unknown }).cause);
      return inner ?? code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** One failure vocabulary for every client; the URL (which may carry a query) stays out of the message. */
function normalise(error: unknown, signal: AbortSignal): TransportError {
  if (error instanceof TransportError) return error;
  if (signal.aborted) return new TransportError('request aborted', 'ABORT_ERR', { cause: error });
  const code = errorCode(error) ?? 'EUNKNOWN';
  if (code === 'ECONNREFUSED') return new TransportError('connection refused', code, { cause: error });
  if (RESET_CODES.has(code)) return new TransportError('connection reset', 'ECONNRESET', { cause: error });
  return new TransportError(`connection failed (${code})`, code, { cause: error });
}

/**
 * Most connections the gateway keeps open to one vendor (`VENDOR_MAX_SOCKETS`); calls beyond it wait for a free
 * one. No vendor document states a limit. 64 held the dashboard back with 20 ms vendors: 25 dashboards in flight
 * want hundreds of Channel Manager calls at once (`VENDOR_CONCURRENCY` each), and the pool, not the gateway's
 * CPU, set the pace (bench: 23–28 dashboards/s at 64, 27–30 at 128 with the gateway's core then busy; 256 gained
 * nothing beyond the spread).
 */
export const DEFAULT_MAX_SOCKETS = 128;

/** What a transport is built with (every field has a default). */
export interface TransportOptions {
  /** Connections per vendor origin at most (`DEFAULT_MAX_SOCKETS`). */
  maxSockets?: number;
}

/** node-fetch over keep-alive agents: one pool per transport, shared by every request of a vendor client. */
export function createNodeFetchTransport(options: TransportOptions = {}): Transport {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? DEFAULT_MAX_SOCKETS,
    scheduling: 'lifo' as const,
  };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent(agentOptions);
  return {
    async send(request) {
      try {
        const response = await fetch(request.url, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          signal: request.signal,
          redirect: 'error',
          agent: (url) => (url.protocol === 'https:' ? httpsAgent : httpAgent),
        });
        return {
          status: response.status,
          header: (name) => response.headers.get(name),
          text: () =>
            response.text().catch((error: unknown) => Promise.reject(normalise(error, request.signal))),
        };
      } catch (error) {
        throw normalise(error, request.signal);
      }
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/**
 * undici's `request()` over one keep-alive `Agent` (a pool per origin, the same socket cap as node-fetch's),
 * without the WHATWG `fetch` layer on top. Redirects are not followed, as with node-fetch's `redirect: 'error'`:
 * a vendor answering 3xx is reported as that status and treated as a bad answer by `http.ts`.
 */
export function createUndiciTransport(options: TransportOptions = {}): Transport {
  const agent = new UndiciAgent({
    connections: options.maxSockets ?? DEFAULT_MAX_SOCKETS,
    keepAliveTimeout: 4_000,
    keepAliveMaxTimeout: 60_000,
  });
  return {
    async send(request) {
      try {
        const response = await undiciRequest(request.url, {
          dispatcher: agent,
          method: request.method as 'GET',
          headers: request.headers,
          body: request.body,
          signal: request.signal,
        });
        const { headers } = response;
        return {
          status: response.statusCode,
          header: (name) => {
            const value = headers[name.toLowerCase()];
            if (value === undefined) return null;
            return Array.isArray(value) ? value.join(', ') : value;
          },
          text: () =>
            response.body.text().catch((error: unknown) => Promise.reject(normalise(error, request.signal))),
        };
      } catch (error) {
        throw normalise(error, request.signal);
      }
    },
    close() {
      void agent.destroy();
    },
  };
}

/** The transport `VENDOR_TRANSPORT` names. */
export function createTransport(
  name: TransportName = DEFAULT_TRANSPORT,
  options: TransportOptions = {},
): Transport {
  return name === 'undici' ? createUndiciTransport(options) : createNodeFetchTransport(options);
}
