import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearArtifacts, scanArtifacts, scanLogs, secretForms } from '../support/secret-scan.js';

const SECRET = 'sk_live_9f8e7d6c5b4a3210';
const secrets = [{ kind: 'channelManager API key', value: SECRET }];
const line = (extra: string) => `{"level":30,"msg":"vendor call","requestId":"r-1"${extra}}\n`;

describe('the secret scan over captured logs', () => {
  it('finds nothing in clean logs', () => {
    assert.deepEqual(scanLogs([{ file: 'a.log', text: line('') + line(',"status":200') }], secrets), []);
  });

  it('finds a planted secret as is, URL-encoded, JSON-escaped, and base64 inside a longer value', () => {
    const odd = { kind: 'webhook secret', value: 'whsec/with+odd"chars&=' };
    const planted = [
      { file: 'plain.log', text: line(`,"header":"Bearer ${SECRET}"`) },
      { file: 'url.log', text: line(`,"url":"/x?k=${encodeURIComponent(odd.value)}"`) },
      { file: 'json.log', text: line(`,"body":${JSON.stringify(odd.value)}`) },
    ];
    // Basic credentials: the secret is base64-encoded after a prefix of any length.
    for (const prefix of ['', 'a:', 'ab:', 'abc:']) {
      const basic = Buffer.from(`${prefix}${SECRET}`).toString('base64');
      planted.push({ file: `basic-${prefix.length}.log`, text: line(`,"auth":"Basic ${basic}"`) });
    }
    const url = Buffer.from(`id:${SECRET}?`).toString('base64url');
    planted.push({ file: 'base64url.log', text: line(`,"token":"${url}"`) });

    const findings = scanLogs(planted, [...secrets, odd]);
    assert.deepEqual(
      findings.map((finding) => finding.logFile),
      planted.map((entry) => entry.file),
    );
    assert.deepEqual(findings[0], { kind: 'channelManager API key', form: 'plain', logFile: 'plain.log' });
    assert.equal(findings[1]?.form, 'url-encoded');
    assert.equal(findings[2]?.form, 'json');
    assert.match(findings.at(-1)?.form ?? '', /^base64/);
    // A finding names the kind, never the secret.
    assert.equal(JSON.stringify(findings).includes(SECRET), false);
  });

  it('ignores encoded fragments too short to mean anything', () => {
    for (const { text } of secretForms('abc')) assert.ok(text.length >= 8);
    assert.deepEqual(secretForms('abc'), []);
  });

  it('reads what the tests left behind, and clears it for the next run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secret-scan-'));
    try {
      mkdirSync(join(dir, 'logs'), { recursive: true });
      mkdirSync(join(dir, 'secrets'), { recursive: true });
      writeFileSync(join(dir, 'secrets', 'a.json'), JSON.stringify(secrets));
      writeFileSync(join(dir, 'logs', 'a.log'), line(''));
      writeFileSync(join(dir, 'logs', 'b.log'), line(`,"leak":"${SECRET}"`));
      const result = scanArtifacts(dir);
      assert.equal(result.logFiles, 2);
      assert.deepEqual(result.findings, [
        { kind: 'channelManager API key', form: 'plain', logFile: join(dir, 'logs', 'b.log') },
      ]);
      clearArtifacts(dir);
      assert.deepEqual(readdirSync(dir), []);
      assert.deepEqual(scanArtifacts(dir), { logFiles: 0, secrets: 0, findings: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
