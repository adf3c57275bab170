import { pino } from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/**
 * Structured logs. Every line about one request carries its `requestId`: it is logged through a logger bound to
 * the request (`requestLogger(req)` in HTTP middleware, `ctx.logger` in resolvers) or names the id itself
 * (vendor calls take it from their `CallScope`, errors from the operation they belong to). The id is passed, never looked up
 * from an AsyncLocalStorage: on Node 20 and 22 that installs promise hooks on every promise of the process, and
 * measured on the dashboard benchmark it cost a quarter of the gateway's CPU (README, Performance). Lines about
 * the process or a vendor as a whole (start-up, a circuit breaker half-opening or closing) carry none.
 * Secrets must never be logged in the first place; the redaction list is the second line of defence for header
 * objects that might slip into a log call.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'partner-graph' },
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

/**
 * The logger of an HTTP request, bound to the id the first middleware gave it (`server.ts`); made on first use
 * (most requests log nothing) and kept on the request. Without an id, `base` itself.
 */
export function requestLogger(req: object, base: Logger): Logger {
  const request = req as { requestId?: string; log?: Logger };
  if (request.requestId === undefined) return base;
  return (request.log ??= base.child({ requestId: request.requestId }));
}
