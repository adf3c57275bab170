import type { CallScope } from '../http.js';

/** An access token as the token endpoint issued it. */
export interface IssuedToken {
  accessToken: string;
  /** Seconds from issue until the vendor stops accepting it (`expires_in`). */
  expiresInSeconds: number;
}

export interface TokenManagerOptions {
  /** Asks the token endpoint for a new token; throws the gateway error to surface when it cannot. */
  fetchToken: (scope: CallScope) => Promise<IssuedToken>;
  /** Called when a replay with a fresh token is refused too: the error to surface (never a third attempt). */
  rejectedTwice: () => Error;
  /** Epoch milliseconds; injected in tests. */
  now?: () => number;
}

/** How long before its expiry a token is replaced: 10 % of its life, at most 30 s. */
export function refreshMarginMs(expiresInSeconds: number): number {
  return Math.min(30_000, expiresInSeconds * 100);
}

interface CachedToken {
  value: string;
  /** Epoch milliseconds from which the token is no longer handed out (its expiry minus the margin). */
  refreshAt: number;
}

/**
 * The OAuth 2.0 client-credentials token of one vendor client, for the whole process: the token belongs to the
 * gateway's client id, not to any caller, so sharing it across requests leaks nothing. Fetched on first use,
 * cached, replaced a margin before it expires, and fetched by one request at a time: every operation that needs
 * a token while a fetch is under way waits for that fetch (single flight). A token the vendor refuses is
 * replaced once and the call replayed once.
 *
 * The token is only ever handed to the send function (which puts it in a per-call header that VendorHttp
 * never logs); nothing here logs, and errors never carry it.
 */
export class TokenManager {
  private cached: CachedToken | undefined;
  /** The fetch under way, shared by everyone who asks meanwhile; cleared when it settles, success or not. */
  private inflight: Promise<CachedToken> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: TokenManagerOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * A token good for at least the refresh margin. The fetch runs under the scope (request id, deadline) of the
   * operation that started it; operations that join it share its outcome, a failure included.
   */
  async token(scope: CallScope): Promise<string> {
    const cached = this.cached;
    if (cached && this.now() < cached.refreshAt) return cached.value;
    this.inflight ??= this.fetch(scope).finally(() => {
      this.inflight = undefined;
    });
    return (await this.inflight).value;
  }

  /**
   * Forgets a token the vendor refused. Only that token: when several calls were refused with it at once, the
   * first one's refresh serves them all.
   */
  invalidate(rejected: string): void {
    if (this.cached?.value === rejected) this.cached = undefined;
  }

  /**
   * Sends with the current token; when the vendor says the token is no good (`isRejected`), fetches a new one
   * and replays once. A refusal of the fresh token too is the vendor refusing us: `rejectedTwice`, not a loop.
   */
  async authorized<T>(
    scope: CallScope,
    send: (token: string) => Promise<T>,
    isRejected: (answer: T) => boolean,
  ): Promise<T> {
    const first = await this.token(scope);
    const answer = await send(first);
    if (!isRejected(answer)) return answer;
    this.invalidate(first);
    const replay = await send(await this.token(scope));
    if (isRejected(replay)) throw this.options.rejectedTwice();
    return replay;
  }

  private async fetch(scope: CallScope): Promise<CachedToken> {
    // Counted from before the request left: the vendor's clock started no later than that.
    const requestedAt = this.now();
    const issued = await this.options.fetchToken(scope);
    const lifetimeMs = issued.expiresInSeconds * 1000;
    const token = {
      value: issued.accessToken,
      refreshAt: requestedAt + lifetimeMs - refreshMarginMs(issued.expiresInSeconds),
    };
    this.cached = token;
    return token;
  }
}
