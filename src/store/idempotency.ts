import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { StoreSchema } from './schema.js';

/** What a request learns when it presents an idempotency key. */
export type IdempotencyClaim =
  /** The record is this request's to carry out: call the vendor, then `succeed`, `fail` or `markUnknown`. */
  | { kind: 'claimed'; attempt: number }
  /** An earlier request with this key and body finished: answer its stored response, call nothing. */
  | { kind: 'succeeded'; response: unknown }
  /** Another request with this key and body is carrying it out now (its lease holds): wait and ask again. */
  | { kind: 'pending' }
  /** The key was used for another body, which succeeded or is in progress. */
  | { kind: 'mismatch' }
  /** An earlier attempt's outcome could not be learned (a lost answer): the write may or may not have happened. */
  | { kind: 'unknown' };

const MAX_CLAIM_ROUNDS = 5;

/** The request hash of a lease record: a lease guards work whose outcome the vendor keeps, so no body is bound. */
const LEASE = 'lease';

/**
 * How long a claim holds off takeovers beyond the holder's own operation deadline: covers clock skew between
 * gateways and the database and a holder slow to write its outcome. A holder that crashed is replaced after this.
 */
export const LEASE_GRACE_MS = 60_000;

const POLL_MS = { first: 25, max: 250 };

/**
 * Paces one request's repeated looks at a record another request holds (25 ms, doubling to 250 ms), within that
 * request's deadline. One per waiting request.
 */
export class RecordPoll {
  private waitMs = POLL_MS.first;
  constructor(private readonly deadline: number) {}

  /** Sleeps before the next look; false, without sleeping, when that look would come after the deadline. */
  async wait(): Promise<boolean> {
    if (Date.now() + this.waitMs >= this.deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, this.waitMs));
    this.waitMs = Math.min(POLL_MS.max, this.waitMs * 2);
    return true;
  }
}

/**
 * The gateway's idempotency records, in its own database: one row per (scope, key), written before the vendor
 * is called. Stateless; safe to share between requests and processes (every transition is one conditional
 * statement, so concurrent requests and gateways agree on a single holder).
 *
 * States: `pending` (a holder is calling the vendor, until `lease_until`) → `succeeded` (response stored, replayed
 * forever) | `failed` (certainly nothing was created: anyone may claim it again, with any body) | `unknown` (the
 * answer was lost: never retried automatically). A `pending` record whose lease ran out (its holder crashed) may
 * be taken over; `attempt` fences the old holder out.
 *
 * A lease (`acquireLease`/`releaseLease`) is the same record used as a lock for work whose outcome the vendor
 * itself keeps under a natural key: it is `pending` while held and `failed` (free) once released, and never stores
 * a response, because the next holder asks the vendor.
 */
export class IdempotencyStore {
  constructor(private readonly db: Kysely<StoreSchema>) {}

  /**
   * Presents a key with the hash of its request. `leaseMs` is how long a claim holds off takeovers: longer than
   * the holder can still be working (its operation deadline), measured on the database's clock.
   */
  async claim(scope: string, key: string, requestHash: string, leaseMs: number): Promise<IdempotencyClaim> {
    const lease = sql<Date>`now() + ${`${Math.max(0, Math.ceil(leaseMs))} milliseconds`}::interval`;
    for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
      const inserted = await this.db
        .insertInto('idempotency_records')
        .values({
          scope,
          key,
          request_hash: requestHash,
          state: 'pending',
          lease_until: lease,
          response: null,
        })
        .onConflict((conflict) => conflict.columns(['scope', 'key']).doNothing())
        .returning('attempt')
        .executeTakeFirst();
      if (inserted) return { kind: 'claimed', attempt: inserted.attempt };

      const row = await this.db
        .selectFrom('idempotency_records')
        .select([
          'request_hash',
          'state',
          'attempt',
          'response',
          sql<boolean>`lease_until <= now()`.as('lease_over'),
        ])
        .where('scope', '=', scope)
        .where('key', '=', key)
        .executeTakeFirst();
      if (!row) continue; // deleted between the two statements: try the insert again
      const takeable = row.state === 'failed' || (row.state === 'pending' && row.lease_over);
      if (!takeable) {
        if (row.request_hash !== requestHash) return { kind: 'mismatch' };
        if (row.state === 'succeeded') return { kind: 'succeeded', response: row.response };
        if (row.state === 'unknown') return { kind: 'unknown' };
        return { kind: 'pending' };
      }
      // A crashed holder's work is redone only for the same body; a failed record binds nothing.
      if (row.state === 'pending' && row.request_hash !== requestHash) return { kind: 'mismatch' };
      const taken = await this.db
        .updateTable('idempotency_records')
        .set({
          state: 'pending',
          request_hash: requestHash,
          attempt: sql<number>`attempt + 1`,
          lease_until: lease,
          response: null,
          updated_at: sql<Date>`now()`,
        })
        .where('scope', '=', scope)
        .where('key', '=', key)
        .where('attempt', '=', row.attempt)
        .returning('attempt')
        .executeTakeFirst();
      if (taken) return { kind: 'claimed', attempt: taken.attempt };
      // Another request moved the record on between our read and our update: look again.
    }
    // Only a record changing hands on every round gets here; to the caller it is simply busy.
    return { kind: 'pending' };
  }

  /**
   * Takes the lease on (scope, key) for `leaseMs`: the attempt number when this request now holds it, null while
   * another holder's lease runs. One holder at a time across requests and processes; a crashed holder's lease is
   * taken over once it runs out.
   */
  async acquireLease(scope: string, key: string, leaseMs: number): Promise<number | null> {
    const claim = await this.claim(scope, key, LEASE, leaseMs);
    if (claim.kind === 'claimed') return claim.attempt;
    if (claim.kind === 'pending') return null;
    throw new Error(`The idempotency record of scope ${scope} is not a lease (${claim.kind}).`);
  }

  /** Frees a lease for the next request. False when it had already passed to another holder (nothing changed). */
  releaseLease(scope: string, key: string, attempt: number): Promise<boolean> {
    return this.settle(scope, key, attempt, 'failed', null);
  }

  /** Stores the response of a claimed write. False when the claim was taken over meanwhile (nothing stored). */
  succeed(scope: string, key: string, attempt: number, response: unknown): Promise<boolean> {
    return this.settle(scope, key, attempt, 'succeeded', response);
  }

  /** The write certainly did nothing (the vendor refused it or rolled it back): the key may be used again. */
  fail(scope: string, key: string, attempt: number): Promise<boolean> {
    return this.settle(scope, key, attempt, 'failed', null);
  }

  /** The write's outcome was lost: it may have happened, so the key will not be carried out again. */
  markUnknown(scope: string, key: string, attempt: number): Promise<boolean> {
    return this.settle(scope, key, attempt, 'unknown', null);
  }

  private async settle(
    scope: string,
    key: string,
    attempt: number,
    state: 'succeeded' | 'failed' | 'unknown',
    response: unknown,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('idempotency_records')
      .set({
        state,
        // Bound as text and cast: drivers disagree on how they send a JS object or array to jsonb.
        response: response === null ? null : sql`${JSON.stringify(response)}::jsonb`,
        updated_at: sql<Date>`now()`,
      })
      .where('scope', '=', scope)
      .where('key', '=', key)
      .where('attempt', '=', attempt)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}
