import { pino } from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/**
 * Structured logs. Secrets must never be logged in the first place; the redaction list is the second line of
 * defence for header objects that might slip into a log call.
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
