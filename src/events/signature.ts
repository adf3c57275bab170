/**
 * The PartnerPortal webhook signature, shared by the sender (the vendor sandbox) and the gateway's receiver, so the
 * two can never drift apart. Stripe's scheme, under PartnerPortal's header name:
 *
 *   X-PartnerPortal-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">[,v1=<…>]
 *
 * The HMAC key is the shared secret's UTF-8 bytes, as given (no prefix stripped, no base64 decoding). During a
 * secret rotation the sender signs with every active secret, one `v1` each, and the receiver accepts the request
 * when any of its secrets matches any `v1`. The signed payload is the body's bytes exactly as they travel: a
 * receiver must verify before parsing, never over re-serialized JSON.
 * Stateless and pure: no clock of its own (callers pass the time), nothing at module level but constants.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header carrying the signature (HTTP header names are case-insensitive; node lower-cases them). */
export const SIGNATURE_HEADER = 'X-PartnerPortal-Signature';
/** How far the signed timestamp may be from the receiver's clock, either way, before the request is refused. */
export const DEFAULT_TOLERANCE_SECONDS = 300;
/** The only signature scheme defined; elements of other schemes (`v0=`, `v2=`) are ignored, as Stripe does. */
export const SIGNATURE_SCHEME = 'v1';

/** More elements than a rotation could ever need is someone probing, not a sender: refused before any HMAC. */
const MAX_ELEMENTS = 32;
const MAX_HEADER_LENGTH = 4096;
/** Unix seconds of up to 12 digits (year 33658): enough, and far from floating-point trouble. */
const TIMESTAMP = /^\d{1,12}$/;
const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;
const DIGEST_BYTES = 32;

export type SignatureFailure = 'missing' | 'malformed' | 'stale' | 'future' | 'mismatch';

export type SignatureVerdict = { ok: true; timestamp: number } | { ok: false; reason: SignatureFailure };

export interface VerifySignatureInput {
  /** The header's value as received; undefined when the request had none. */
  header: string | undefined;
  /** The body's bytes exactly as received, before any JSON parsing. */
  rawBody: Buffer;
  /** Every secret currently accepted (the new one and the old one during a rotation). At least one. */
  secrets: readonly string[];
  /** The receiver's clock in Unix seconds (fractions allowed). */
  nowSeconds: number;
  /** Default 300. A timestamp exactly this far away is still accepted. */
  toleranceSeconds?: number;
}

/**
 * The header for one delivery attempt: `t=<unixSeconds>` then one `v1=` per secret, in the order given. Sign each
 * attempt afresh (with the attempt's time) so that a retry an hour later is not refused as stale.
 */
export function signatureHeader(
  body: string | Buffer,
  secrets: readonly string[],
  unixSeconds: number,
): string {
  checkSecrets(secrets);
  if (!Number.isSafeInteger(unixSeconds) || unixSeconds < 0 || !TIMESTAMP.test(String(unixSeconds))) {
    throw new TypeError('signatureHeader: unixSeconds must be a non-negative integer of at most 12 digits');
  }
  const raw = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const signatures = secrets.map(
    (secret) => `${SIGNATURE_SCHEME}=${hmac(secret, String(unixSeconds), raw).toString('hex')}`,
  );
  return [`t=${unixSeconds}`, ...signatures].join(',');
}

/**
 * Checks a received header against the raw body. Never throws on anything a caller sent (only on a receiver
 * misconfiguration: no secrets, an empty secret, a bad tolerance).
 *
 * Order of checks, as Stripe's libraries do it: presence, then shape, then the signature, then the timestamp. So a
 * forged request is reported as `mismatch` whatever its timestamp, and `stale`/`future` mean "genuine, but not
 * now" (a replay, or a clock that is off), which is what an operator reading the log wants to know.
 *
 * Every (secret, v1) pair is compared, match or not, with `timingSafeEqual` on 32-byte digests, so the time taken
 * depends only on how many values there are, never on how many leading bytes were right. A `v1` that is not 64 hex
 * digits (either case) cannot match and counts as a mismatch, not as malformed: its shape says nothing about the
 * secret.
 */
export function verifySignature(input: VerifySignatureInput): SignatureVerdict {
  checkSecrets(input.secrets);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Number.isNaN(tolerance) || tolerance < 0) {
    throw new TypeError('verifySignature: toleranceSeconds must be a non-negative number');
  }
  if (!Number.isFinite(input.nowSeconds)) throw new TypeError('verifySignature: nowSeconds must be finite');

  const { header } = input;
  if (header === undefined || header.trim() === '') return { ok: false, reason: 'missing' };
  const parsed = parseHeader(header);
  if (parsed === undefined) return { ok: false, reason: 'malformed' };

  const expected = input.secrets.map((secret) => hmac(secret, parsed.timestampText, input.rawBody));
  let matched = false;
  for (const candidate of parsed.signatures) {
    // A wrong-shaped candidate is still compared (against a zero digest) so it takes as long as a right-shaped one.
    const wellFormed = HEX_DIGEST.test(candidate);
    const given = wellFormed ? Buffer.from(candidate, 'hex') : Buffer.alloc(DIGEST_BYTES);
    for (const digest of expected) {
      const equal = timingSafeEqual(given, digest);
      // No short-circuit: every pair is compared whatever the earlier ones gave.
      matched = (equal && wellFormed) || matched;
    }
  }
  if (!matched) return { ok: false, reason: 'mismatch' };

  const timestamp = Number(parsed.timestampText);
  if (timestamp < input.nowSeconds - tolerance) return { ok: false, reason: 'stale' };
  if (timestamp > input.nowSeconds + tolerance) return { ok: false, reason: 'future' };
  return { ok: true, timestamp };
}

/**
 * `t=<digits>` exactly once and at least one `v1=`; elements split on commas, blanks around them ignored, keys
 * case-sensitive. Elements of unknown schemes are skipped; an element without `=` or with an empty key makes the
 * whole header malformed (it is not something a sender of this scheme writes).
 */
function parseHeader(header: string): { timestampText: string; signatures: string[] } | undefined {
  if (header.length > MAX_HEADER_LENGTH) return undefined;
  const elements = header.split(',');
  if (elements.length > MAX_ELEMENTS) return undefined;
  let timestampText: string | undefined;
  const signatures: string[] = [];
  for (const element of elements) {
    const trimmed = element.trim();
    const eq = trimmed.indexOf('=');
    if (eq <= 0) return undefined;
    const key = trimmed.slice(0, eq);
    const value = trimmed.slice(eq + 1);
    if (key === 't') {
      if (timestampText !== undefined || !TIMESTAMP.test(value)) return undefined;
      timestampText = value;
    } else if (key === SIGNATURE_SCHEME) {
      signatures.push(value);
    }
  }
  if (timestampText === undefined || signatures.length === 0) return undefined;
  return { timestampText, signatures };
}

/** HMAC-SHA256 over `<t>.<raw body>`, fed in parts so the body's bytes are never re-encoded. */
function hmac(secret: string, timestampText: string, rawBody: Buffer): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${timestampText}.`, 'utf8')
    .update(rawBody)
    .digest();
}

/** An empty secret would let anyone sign; no secrets would refuse everything. Both are a deployment mistake. */
function checkSecrets(secrets: readonly string[]): void {
  if (secrets.length === 0) throw new TypeError('webhook signature: at least one secret is required');
  if (secrets.some((secret) => typeof secret !== 'string' || secret === '')) {
    throw new TypeError('webhook signature: secrets must be non-empty strings');
  }
}
