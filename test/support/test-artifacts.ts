import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Transport } from '../../src/vendors/transport.js';

/**
 * What every gateway a test starts leaves behind for the secret scan that `scripts/run-tests.mjs` runs after the
 * suite: its log lines in `test-artifacts/logs/`, and the secrets it was configured with (or saw issued) in
 * `test-artifacts/secrets/`, under the same name. The scan (`secret-scan.ts`) then looks for every recorded
 * secret in every captured log.
 */
export const ARTIFACTS_DIR = process.env.TEST_ARTIFACTS_DIR ?? 'test-artifacts';

export interface RecordedSecret {
  /** What the secret is ("client API key", "channelManager API key", …): the only thing a finding names. */
  kind: string;
  value: string;
}

export interface LogCapture {
  /** Appends log output (written at once: a test that crashes later still leaves its lines). */
  write(text: string): void;
  /** Adds secrets to this capture's record. */
  recordSecrets(secrets: readonly RecordedSecret[]): void;
  close(): void;
}

let sequence = 0;

/** One log file and one secrets record, named after the running test file, the process and `label`. */
export function captureLog(label: string): LogCapture {
  const testFile = basename(process.argv[1] ?? 'unknown', '.js');
  const name = `${testFile}-${process.pid}-${label}-${++sequence}`;
  const logsDir = join(ARTIFACTS_DIR, 'logs');
  const secretsDir = join(ARTIFACTS_DIR, 'secrets');
  mkdirSync(logsDir, { recursive: true });
  mkdirSync(secretsDir, { recursive: true });
  let fd: number | undefined = openSync(join(logsDir, `${name}.log`), 'a');
  const secrets = new Map<string, RecordedSecret>();
  return {
    write(text) {
      if (fd !== undefined) writeSync(fd, text);
    },
    recordSecrets(list) {
      let added = false;
      for (const secret of list) {
        if (secret.value === '' || secrets.has(secret.value)) continue;
        secrets.set(secret.value, secret);
        added = true;
      }
      if (added) writeFileSync(join(secretsDir, `${name}.json`), JSON.stringify([...secrets.values()]));
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/** Environment variables whose values are secrets: keys, secrets and tokens (comma-separated lists split). */
export function secretsInEnv(env: Record<string, string | undefined>): RecordedSecret[] {
  return Object.entries(env).flatMap(([name, value]) =>
    /(KEY|KEYS|SECRET|TOKEN)$/.test(name) && value
      ? value
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part.length > 0)
          .map((part) => ({ kind: name, value: part }))
      : [],
  );
}

/**
 * Passes every vendor request through unchanged, recording the credentials it carries (API keys and the OAuth
 * access tokens the Partner Orders sandbox issued), which the test never sees otherwise.
 */
export function credentialRecordingTransport(inner: Transport, capture: LogCapture): Transport {
  return {
    send(request) {
      const host = new URL(request.url).host;
      for (const [name, value] of Object.entries(request.headers)) {
        const header = name.toLowerCase();
        if (header === 'authorization' || header === 'x-np-api-key') {
          const credential = value.replace(/^(Bearer|Basic)\s+/i, '');
          capture.recordSecrets([
            { kind: `credential sent to a vendor (${header} to ${host})`, value: credential },
          ]);
        }
      }
      return inner.send(request);
    },
    close: () => inner.close(),
  };
}
