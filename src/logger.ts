import { AsyncLocalStorage } from 'node:async_hooks';
import { pino } from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/** What every log line written while serving one request carries. */
export interface RequestScope {
  requestId: string;
}

/**
 * The request being served, for as long as its work runs (HTTP request, graphql-ws operation, the vendor calls,
 * store writes and events it causes). Set where requests enter (`server.ts`, `subscription-server.ts`); read by
 * every logger's mixin, so no call site has to pass the id along.
 */
const requestScope = new AsyncLocalStorage<RequestScope>();

/** Runs `work` (and everything it starts) as part of the request `requestId`. */
export function runInRequestScope<T>(requestId: string, work: () => T): T {
  return requestScope.run({ requestId }, work);
}

/** The id of the request being served here, if any. */
export function currentRequestId(): string | undefined {
  return requestScope.getStore()?.requestId;
}

/**
 * Structured logs. Secrets must never be logged in the first place; the redaction list is the second line of
 * defence for header objects that might slip into a log call.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'partner-graph' },
      // A line that names its request itself (or whose child logger is bound to one) keeps it; the scope's id
      // is added to every other line logged while a request is served.
      mixin(mergeObject, _level, logger) {
        const requestId = currentRequestId();
        if (requestId === undefined || 'requestId' in mergeObject) return {};
        if ('requestId' in logger.bindings()) return {};
        return { requestId };
      },
      redact: {
        paths: [
          'authorization',
          'headers.authorization',
          'headers["x-np-api-key"]',
          'req.headers.authorization',
          '*.apiKey',
          '*.password',
          '*.secret',
          '*.token',
        ],
        censor: '[redacted]',
      },
    },
    destination ?? process.stdout,
  );
}
