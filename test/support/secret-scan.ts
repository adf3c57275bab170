import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedSecret } from './test-artifacts.js';

/**
 * The secret scan `scripts/run-tests.mjs` runs after the suite: every secret any test recorded, in the forms a
 * log could carry it (as is, JSON-escaped, URL-encoded, base64 and base64url at any byte offset), looked for in
 * every captured log. A finding names the secret's kind and the log file, never the secret.
 */
export interface SecretFinding {
  kind: string;
  /** How it was written: `plain`, `json`, `url-encoded`, `base64`, `base64url`. */
  form: string;
  logFile: string;
}

/** Shorter than this, a secret's encoded fragment could turn up in a log by chance. */
const MIN_FRAGMENT = 8;

/**
 * The base64 text of `value` wherever it starts in a longer byte string: encoded after 0, 1 or 2 bytes of
 * anything, only the characters that depend on `value` alone are kept.
 */
function base64Fragments(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  return [0, 1, 2].map((offset) => {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const total = offset + bytes.length;
    const exact = Math.floor(total / 3) * 4 + [0, 1, 2][total % 3]!;
    return encoded.slice([0, 2, 3][offset], exact);
  });
}

/** Every form of a secret worth looking for, by name. */
export function secretForms(value: string): { form: string; text: string }[] {
  const forms = [
    { form: 'plain', text: value },
    { form: 'json', text: JSON.stringify(value).slice(1, -1) },
    { form: 'url-encoded', text: encodeURIComponent(value) },
    ...base64Fragments(value).flatMap((fragment) => [
      { form: 'base64', text: fragment },
      { form: 'base64url', text: fragment.replace(/\+/g, '-').replace(/\//g, '_') },
    ]),
  ];
  const seen = new Set<string>();
  return forms.filter(({ text }) => {
    if (text.length < MIN_FRAGMENT || seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}

/** Looks for every secret in every log text. */
export function scanLogs(
  logs: readonly { file: string; text: string }[],
  secrets: readonly RecordedSecret[],
): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const unique = new Map(secrets.map((secret) => [secret.value, secret]));
  for (const { file, text } of logs) {
    for (const secret of unique.values()) {
      const hit = secretForms(secret.value).find((form) => text.includes(form.text));
      if (hit) findings.push({ kind: secret.kind, form: hit.form, logFile: file });
    }
  }
  return findings;
}

/** Scans what the tests left in `dir` (`logs/*.log` against `secrets/*.json`). */
export function scanArtifacts(dir: string): {
  logFiles: number;
  secrets: number;
  findings: SecretFinding[];
} {
  const read = (sub: string, ext: string): { file: string; text: string }[] => {
    const path = join(dir, sub);
    if (!existsSync(path)) return [];
    return readdirSync(path)
      .filter((name) => name.endsWith(ext))
      .sort()
      .map((name) => ({ file: join(path, name), text: readFileSync(join(path, name), 'utf8') }));
  };
  const secrets = read('secrets', '.json').flatMap(({ text }) => JSON.parse(text) as RecordedSecret[]);
  const logs = read('logs', '.log');
  return { logFiles: logs.length, secrets: secrets.length, findings: scanLogs(logs, secrets) };
}

/** Empties the scan's folders before a run, so only this run's logs and secrets are compared. */
export function clearArtifacts(dir: string): void {
  for (const sub of ['logs', 'secrets']) rmSync(join(dir, sub), { recursive: true, force: true });
}
