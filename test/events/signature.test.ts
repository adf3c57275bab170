import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_TOLERANCE_SECONDS,
  SIGNATURE_HEADER,
  signatureHeader,
  verifySignature,
} from '../../src/events/signature.js';
import type { VerifySignatureInput } from '../../src/events/signature.js';

/**
 * Known answers computed outside this code base, once, and pasted here:
 *   printf '%s' "<t>.<body>" | openssl dgst -sha256 -hmac '<secret>'
 * and cross-checked with Python's `hmac.new(secret, f"{t}.{body}".encode(), hashlib.sha256).hexdigest()`.
 */
const SECRET = 'whsec_partnerportal_test';
const ROTATED = 'whsec_rotated_2026';
/** The document's webhook example, compact; t is 2026-05-22T05:21:00Z. */
const DOC_BODY =
  '{"id":"evt_01HXYZ","type":"order.updated","created_at":"2026-05-22T11:01:00+05:30",' +
  '"data":{"order_id":"12345","status":"shipped"}}';
const DOC_T = 1779427260;
const DOC_V1 = '2a684e3e7d3cc49b8a2367aaec9f3ccfb49b4ebe271cf41e557b4aebe9ad866f';
const DOC_V1_ROTATED = 'dd0a2e65b5daf1bf0e34f90e2d46075d3926a678e1ad50f762b295a07f068364';
/** Non-ASCII, so the HMAC must run over UTF-8 bytes. */
const UTF8_BODY = '{"name":"Aarhus Ø – Café ☕"}';
const UTF8_T = 1700000000;
const UTF8_V1 = 'fd68d51da97e29303b94ac7fe7778b26de29969ef20964603ce513c6e7abf776';
/** Stripe-style: a whsec_ secret used as is, Stripe's documented example timestamp, an empty JSON object. */
const STRIPE_SECRET = 'whsec_test_secret';
const STRIPE_T = 1492774577;
const STRIPE_V1 = '53140ab8fa70c511cc40d5c9198af7dde7bbaee877038c056d8250c3bd3b2e11';
/** The empty body and a one-letter key. */
const EMPTY_V1 = '85841b4efc3cd7776c3c8f9b7cca9e281c550e5d19889d78e9e669c6337f000d';

function verify(overrides: Partial<VerifySignatureInput> & { header: string | undefined }) {
  return verifySignature({
    rawBody: Buffer.from(DOC_BODY, 'utf8'),
    secrets: [SECRET],
    nowSeconds: DOC_T,
    ...overrides,
  });
}

describe('webhook signature: known answers', () => {
  it('names the header as the issue does', () => {
    assert.equal(SIGNATURE_HEADER, 'X-PartnerPortal-Signature');
    assert.equal(DEFAULT_TOLERANCE_SECONDS, 300);
  });

  it('signs the document example, a UTF-8 body, a Stripe-style example and the empty body as openssl does', () => {
    assert.equal(signatureHeader(DOC_BODY, [SECRET], DOC_T), `t=${DOC_T},v1=${DOC_V1}`);
    assert.equal(signatureHeader(Buffer.from(DOC_BODY), [SECRET], DOC_T), `t=${DOC_T},v1=${DOC_V1}`);
    assert.equal(signatureHeader(UTF8_BODY, [SECRET], UTF8_T), `t=${UTF8_T},v1=${UTF8_V1}`);
    assert.equal(signatureHeader('{}', [STRIPE_SECRET], STRIPE_T), `t=${STRIPE_T},v1=${STRIPE_V1}`);
    assert.equal(signatureHeader('', ['key'], 0), `t=0,v1=${EMPTY_V1}`);
  });

  it('signs with every secret, one v1 each, in the order given', () => {
    assert.equal(
      signatureHeader(DOC_BODY, [SECRET, ROTATED], DOC_T),
      `t=${DOC_T},v1=${DOC_V1},v1=${DOC_V1_ROTATED}`,
    );
  });

  it('verifies the known answers over the raw bytes', () => {
    assert.deepEqual(verify({ header: `t=${DOC_T},v1=${DOC_V1}` }), { ok: true, timestamp: DOC_T });
    assert.deepEqual(
      verify({
        header: `t=${UTF8_T},v1=${UTF8_V1}`,
        rawBody: Buffer.from(UTF8_BODY, 'utf8'),
        nowSeconds: UTF8_T + 1,
      }),
      { ok: true, timestamp: UTF8_T },
    );
    assert.deepEqual(
      verify({
        header: `t=${STRIPE_T},v1=${STRIPE_V1}`,
        rawBody: Buffer.from('{}'),
        secrets: [STRIPE_SECRET],
        nowSeconds: STRIPE_T,
      }),
      { ok: true, timestamp: STRIPE_T },
    );
  });

  it('refuses bad arguments to the signer instead of signing something odd', () => {
    assert.throws(() => signatureHeader(DOC_BODY, [], DOC_T), TypeError);
    assert.throws(() => signatureHeader(DOC_BODY, [''], DOC_T), TypeError);
    assert.throws(() => signatureHeader(DOC_BODY, [SECRET], 1.5), TypeError);
    assert.throws(() => signatureHeader(DOC_BODY, [SECRET], -1), TypeError);
  });
});

describe('webhook signature: verification', () => {
  const valid = `t=${DOC_T},v1=${DOC_V1}`;

  it('refuses a tampered body, even one byte or one re-serialization away', () => {
    const parsed = JSON.parse(DOC_BODY) as unknown;
    for (const body of [
      DOC_BODY.replace('shipped', 'delivered'),
      `${DOC_BODY} `,
      JSON.stringify(parsed, null, 2),
      DOC_BODY.slice(0, -1),
      '',
    ]) {
      assert.deepEqual(verify({ header: valid, rawBody: Buffer.from(body) }), {
        ok: false,
        reason: 'mismatch',
      });
    }
    // The UTF-8 body re-encoded as Latin-1 is other bytes.
    assert.deepEqual(
      verify({
        header: `t=${UTF8_T},v1=${UTF8_V1}`,
        rawBody: Buffer.from(UTF8_BODY, 'latin1'),
        nowSeconds: UTF8_T,
      }),
      { ok: false, reason: 'mismatch' },
    );
  });

  it('refuses a wrong secret, and a timestamp changed after signing', () => {
    assert.deepEqual(verify({ header: valid, secrets: ['whsec_other'] }), { ok: false, reason: 'mismatch' });
    assert.deepEqual(verify({ header: `t=${DOC_T + 1},v1=${DOC_V1}` }), { ok: false, reason: 'mismatch' });
    // The same digits with a leading zero are another signed payload.
    assert.deepEqual(verify({ header: `t=0${DOC_T},v1=${DOC_V1}` }), { ok: false, reason: 'mismatch' });
  });

  it('accepts timestamps up to exactly 300 s away either way and refuses one second more', () => {
    const at = (nowSeconds: number, toleranceSeconds?: number) =>
      verify({ header: valid, nowSeconds, ...(toleranceSeconds === undefined ? {} : { toleranceSeconds }) });
    assert.deepEqual(at(DOC_T + 300), { ok: true, timestamp: DOC_T });
    assert.deepEqual(at(DOC_T + 301), { ok: false, reason: 'stale' });
    assert.deepEqual(at(DOC_T + 300.001), { ok: false, reason: 'stale' });
    assert.deepEqual(at(DOC_T - 300), { ok: true, timestamp: DOC_T });
    assert.deepEqual(at(DOC_T - 301), { ok: false, reason: 'future' });
    assert.deepEqual(at(DOC_T + 86_400), { ok: false, reason: 'stale' });
    assert.deepEqual(at(DOC_T + 10, 5), { ok: false, reason: 'stale' });
    assert.deepEqual(at(DOC_T + 5, 5), { ok: true, timestamp: DOC_T });
    assert.deepEqual(at(DOC_T - 6, 5), { ok: false, reason: 'future' });
  });

  it('reports a forged request as a mismatch whatever its timestamp', () => {
    assert.deepEqual(verify({ header: valid, nowSeconds: DOC_T + 3600, secrets: ['whsec_other'] }), {
      ok: false,
      reason: 'mismatch',
    });
  });

  it('rotation: a header with two v1 values verifies with either secret', () => {
    const both = signatureHeader(DOC_BODY, [SECRET, ROTATED], DOC_T);
    assert.deepEqual(verify({ header: both, secrets: [SECRET] }), { ok: true, timestamp: DOC_T });
    assert.deepEqual(verify({ header: both, secrets: [ROTATED] }), { ok: true, timestamp: DOC_T });
    assert.deepEqual(verify({ header: both, secrets: ['whsec_other'] }), { ok: false, reason: 'mismatch' });
    // The matching value may come after a wrong one.
    assert.deepEqual(verify({ header: `t=${DOC_T},v1=${'0'.repeat(64)},v1=${DOC_V1}` }), {
      ok: true,
      timestamp: DOC_T,
    });
  });

  it('rotation: a verifier with two secrets accepts a header signed with either', () => {
    const secrets = [ROTATED, SECRET];
    assert.deepEqual(verify({ header: signatureHeader(DOC_BODY, [SECRET], DOC_T), secrets }), {
      ok: true,
      timestamp: DOC_T,
    });
    assert.deepEqual(verify({ header: signatureHeader(DOC_BODY, [ROTATED], DOC_T), secrets }), {
      ok: true,
      timestamp: DOC_T,
    });
    assert.deepEqual(verify({ header: signatureHeader(DOC_BODY, ['whsec_third'], DOC_T), secrets }), {
      ok: false,
      reason: 'mismatch',
    });
  });

  it('accepts hex in either case and blanks around elements; ignores other schemes', () => {
    assert.deepEqual(verify({ header: `t=${DOC_T},v1=${DOC_V1.toUpperCase()}` }), {
      ok: true,
      timestamp: DOC_T,
    });
    const mixed = DOC_V1.replace(/[a-f]/g, (c, i: number) => (i % 2 === 0 ? c.toUpperCase() : c));
    assert.deepEqual(verify({ header: `t=${DOC_T},v1=${mixed}` }), { ok: true, timestamp: DOC_T });
    assert.deepEqual(verify({ header: ` t=${DOC_T} , v1=${DOC_V1} ` }), { ok: true, timestamp: DOC_T });
    assert.deepEqual(verify({ header: `v0=abc,v1=${DOC_V1},t=${DOC_T},v2=zz` }), {
      ok: true,
      timestamp: DOC_T,
    });
    // A v0 carrying the right digest is not a v1.
    assert.deepEqual(verify({ header: `t=${DOC_T},v0=${DOC_V1},v1=${'a'.repeat(64)}` }), {
      ok: false,
      reason: 'mismatch',
    });
  });

  it("reads Stripe's documented header (a v1 and a v0): well-formed, so a wrong secret is a mismatch", () => {
    const stripe =
      't=1492774577,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd,' +
      'v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39';
    assert.deepEqual(verify({ header: stripe, nowSeconds: 1492774577 }), { ok: false, reason: 'mismatch' });
  });

  it('treats a v1 of the wrong length or alphabet as a mismatch, never a throw', () => {
    for (const v1 of [
      DOC_V1.slice(0, -2),
      `${DOC_V1}00`,
      DOC_V1.slice(0, -1),
      `${DOC_V1.slice(0, -1)}g`,
      '',
      'zz',
      Buffer.from(DOC_V1, 'hex').toString('base64'),
    ]) {
      assert.deepEqual(verify({ header: `t=${DOC_T},v1=${v1}` }), { ok: false, reason: 'mismatch' }, v1);
    }
  });

  it('reports a missing header as missing', () => {
    assert.deepEqual(verify({ header: undefined }), { ok: false, reason: 'missing' });
    assert.deepEqual(verify({ header: '' }), { ok: false, reason: 'missing' });
    assert.deepEqual(verify({ header: '   ' }), { ok: false, reason: 'missing' });
  });

  it('reports a header it cannot read as malformed', () => {
    const malformed = [
      `v1=${DOC_V1}`, // no t
      `t=,v1=${DOC_V1}`,
      `t=abc,v1=${DOC_V1}`, // non-numeric t
      `t=-${DOC_T},v1=${DOC_V1}`,
      `t=${DOC_T}.5,v1=${DOC_V1}`,
      `t=1e9,v1=${DOC_V1}`,
      `t= ${DOC_T},v1=${DOC_V1}`,
      `t=${'9'.repeat(13)},v1=${DOC_V1}`,
      `t=${DOC_T},t=${DOC_T},v1=${DOC_V1}`, // t twice
      `t=${DOC_T}`, // no v1
      `t=${DOC_T},v0=${DOC_V1}`,
      `T=${DOC_T},V1=${DOC_V1}`, // keys are case-sensitive
      'garbage',
      'sha256=abcdef',
      `t=${DOC_T};v1=${DOC_V1}`,
      `t=${DOC_T},,v1=${DOC_V1}`,
      `t=${DOC_T},=x,v1=${DOC_V1}`,
      `t=${DOC_T},${Array.from({ length: 40 }, () => `v1=${DOC_V1}`).join(',')}`,
      `t=${DOC_T},v1=${'a'.repeat(5000)}`,
    ];
    for (const header of malformed) {
      assert.deepEqual(verify({ header }), { ok: false, reason: 'malformed' }, header.slice(0, 80));
    }
  });

  it('treats a receiver without secrets, or with an empty one, as a configuration error', () => {
    assert.throws(() => verify({ header: valid, secrets: [] }), TypeError);
    assert.throws(() => verify({ header: valid, secrets: [''] }), TypeError);
    assert.throws(() => verify({ header: valid, toleranceSeconds: -1 }), TypeError);
  });
});
