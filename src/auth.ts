import { createHash, timingSafeEqual } from 'node:crypto';

/** Who is calling: a fingerprint of the key (safe to log), never the key itself. */
export interface Caller {
  keyId: string;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Client API keys, compared as SHA-256 digests in constant time so neither the key nor its length leaks
 * through timing. Built once at start; holds no per-request state.
 */
export class ApiKeyAuthenticator {
  private readonly keys: { digest: Buffer; keyId: string }[];

  constructor(keys: readonly string[]) {
    this.keys = keys.map((key) => {
      const hashed = digest(key);
      return { digest: hashed, keyId: hashed.toString('hex').slice(0, 12) };
    });
  }

  /** The caller for an `Authorization` header value, or undefined when it carries no valid key. */
  authenticate(authorization: string | undefined): Caller | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match?.[1]) return undefined;
    const presented = digest(match[1]);
    let found: Caller | undefined;
    // Every key is compared, so the time taken does not depend on which one matched.
    for (const key of this.keys) {
      if (timingSafeEqual(presented, key.digest)) found = { keyId: key.keyId };
    }
    return found;
  }
}
