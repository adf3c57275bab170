import { createHash, timingSafeEqual } from 'node:crypto';

/** What a client key may do: `read` runs queries and subscriptions, `write` runs mutations. */
export type KeyScope = 'read' | 'write';
export const KEY_SCOPES: readonly KeyScope[] = ['read', 'write'];

/**
 * Who is calling: the key's name and a fingerprint of it (both safe to log), never the key itself. `partners`
 * undefined means every partner; a list binds the key to those PartnerPortal partners (see `src/access/`).
 */
export interface Caller {
  keyId: string;
  name: string;
  scopes: readonly KeyScope[];
  partners: readonly string[] | undefined;
}

/** One accepted client key, as configured: its SHA-256 digest (the key itself need not be known). */
export interface ClientKey {
  /** SHA-256 of the key's UTF-8 bytes, 32 bytes. */
  digest: Buffer;
  name: string;
  scopes: readonly KeyScope[];
  /** Undefined: all partners. */
  partners?: readonly string[];
}

/** SHA-256 of a key: what is compared, and what a keys file may hold instead of the key. */
export const keyDigest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** The log-safe fingerprint of a key: the first 12 hex digits of its SHA-256. */
export const keyIdOf = (digest: Buffer): string => digest.toString('hex').slice(0, 12);

/** Full-access keys (`GATEWAY_API_KEYS`): read, write, every partner. */
export function fullAccessKeys(keys: readonly string[]): ClientKey[] {
  return keys.map((key, index) => ({
    digest: keyDigest(key),
    name: `GATEWAY_API_KEYS[${index}]`,
    scopes: KEY_SCOPES,
  }));
}

/**
 * Client API keys, compared as SHA-256 digests in constant time so neither the key nor its length leaks
 * through timing. Built once at start; holds no per-request state.
 */
export class ApiKeyAuthenticator {
  private readonly keys: { digest: Buffer; caller: Caller }[];

  constructor(keys: readonly ClientKey[]) {
    this.keys = keys.map((key) => ({
      digest: key.digest,
      caller: Object.freeze({
        keyId: keyIdOf(key.digest),
        name: key.name,
        scopes: Object.freeze([...key.scopes]),
        partners: key.partners ? Object.freeze([...key.partners]) : undefined,
      }),
    }));
  }

  /** The caller for an `Authorization` header value, or undefined when it carries no valid key. */
  authenticate(authorization: string | undefined): Caller | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match?.[1]) return undefined;
    const presented = keyDigest(match[1]);
    let found: Caller | undefined;
    // Every key is compared, so the time taken does not depend on which one matched.
    for (const key of this.keys) {
      if (timingSafeEqual(presented, key.digest)) found = key.caller;
    }
    return found;
  }
}
