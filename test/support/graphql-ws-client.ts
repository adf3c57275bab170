import { createClient } from 'graphql-ws';
import type { Client, FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';

/** One subscription as a test sees it: every `next` payload in arrival order, and how it ended. */
export interface TestSubscription<TData> {
  results: FormattedExecutionResult<TData, unknown>[];
  /** Resolves once at least `count` results have arrived; rejects after `timeoutMs` saying what did. */
  take(count: number, timeoutMs?: number): Promise<FormattedExecutionResult<TData, unknown>[]>;
  /** Settles when the server completes the subscription or it fails (a close event, or GraphQL errors). */
  ended: Promise<{ error?: unknown }>;
  /** Sends `complete`: the server must end its stream. */
  unsubscribe(): void;
}

export interface TestWsClient {
  client: Client;
  subscribe<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): TestSubscription<TData>;
  close(): Promise<void>;
}

export interface TestWsClientOptions {
  /** Sent as `{ authorization: "Bearer <key>" }` in connection_init; null sends no key at all. */
  apiKey?: string | null;
  /** Replaces the whole connection_init payload. */
  connectionParams?: Record<string, unknown>;
  /** The `Origin` header of the handshake, as a browser would send it; none by default (a server-side client). */
  origin?: string;
}

/** `http://host:port` of a gateway → its graphql-ws URL. */
export function wsUrl(origin: string): string {
  return `${origin.replace(/^http/, 'ws')}/graphql`;
}

/** A graphql-ws client that never retries (a test wants to see refusals), over `ws`. */
export function testWsClient(url: string, options: TestWsClientOptions = {}): TestWsClient {
  const { origin } = options;
  const webSocketImpl = origin
    ? class OriginWebSocket extends WebSocket {
        constructor(address: string | URL, protocols?: string | string[]) {
          super(address, protocols, { origin });
        }
      }
    : WebSocket;
  const connectionParams =
    options.connectionParams ??
    (options.apiKey === null ? {} : { authorization: `Bearer ${options.apiKey ?? ''}` });
  const client = createClient({
    url,
    webSocketImpl,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
    // The tests close everything themselves; no lingering keep-alive timers.
    keepAlive: 0,
  });
  return {
    client,
    subscribe<TData>(query: string, variables?: Record<string, unknown>): TestSubscription<TData> {
      const results: FormattedExecutionResult<TData, unknown>[] = [];
      const waiters = new Set<() => void>();
      let settle!: (outcome: { error?: unknown }) => void;
      const ended = new Promise<{ error?: unknown }>((resolve) => {
        settle = resolve;
      });
      const wake = (): void => {
        for (const waiter of waiters) waiter();
      };
      const unsubscribe = client.subscribe<TData>(
        { query, ...(variables ? { variables } : {}) },
        {
          next: (result) => {
            results.push(result);
            wake();
          },
          error: (error) => {
            settle({ error });
            wake();
          },
          complete: () => {
            settle({});
            wake();
          },
        },
      );
      let done = false;
      void ended.then(() => {
        done = true;
      });
      return {
        results,
        ended,
        unsubscribe,
        take(count, timeoutMs = 5_000) {
          return new Promise((resolve, reject) => {
            const check = (): void => {
              if (results.length >= count) {
                finish();
                resolve(results.slice(0, count));
              } else if (done) {
                finish();
                reject(new Error(`subscription ended after ${results.length} of ${count} results`));
              }
            };
            const timer = setTimeout(() => {
              finish();
              reject(
                new Error(
                  `${results.length} of ${count} results within ${timeoutMs} ms: ${JSON.stringify(results)}`,
                ),
              );
            }, timeoutMs);
            const finish = (): void => {
              clearTimeout(timer);
              waiters.delete(check);
            };
            waiters.add(check);
            check();
          });
        },
      };
    },
    async close() {
      await client.dispose();
    },
  };
}

/** Polls `condition` every few milliseconds until it holds; fails after `timeoutMs` with `what`. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
