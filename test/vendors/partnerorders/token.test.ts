import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UpstreamRejectedError } from '../../../src/errors/gateway-errors.js';
import type { CallScope } from '../../../src/vendors/http.js';
import { TokenManager, refreshMarginMs } from '../../../src/vendors/partnerorders/token.js';
import type { IssuedToken } from '../../../src/vendors/partnerorders/token.js';

const scope: CallScope = { requestId: 'test', deadline: Number.MAX_SAFE_INTEGER };

/** A token endpoint whose answers the test releases by hand, counting every request. */
class FakeTokenEndpoint {
  requests = 0;
  expiresInSeconds = 300;
  private pending: { release: () => void; reject: (error: Error) => void }[] = [];
  /** When true, every request is answered at once. */
  autoAnswer = true;

  fetch = (_scope: CallScope): Promise<IssuedToken> => {
    this.requests += 1;
    const token = { accessToken: `token-${this.requests}`, expiresInSeconds: this.expiresInSeconds };
    if (this.autoAnswer) return Promise.resolve(token);
    return new Promise((resolve, reject) => this.pending.push({ release: () => resolve(token), reject }));
  };

  answerAll(): void {
    for (const { release } of this.pending.splice(0)) release();
  }

  failAll(error: Error): void {
    for (const { reject } of this.pending.splice(0)) reject(error);
  }
}

function manager(endpoint: FakeTokenEndpoint, clock = { now: 1_000_000 }): TokenManager {
  return new TokenManager({
    fetchToken: endpoint.fetch,
    rejectedTwice: () =>
      new UpstreamRejectedError('Partner Orders', 401, 'a freshly issued access token was refused'),
    now: () => clock.now,
  });
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('the Partner Orders token manager', () => {
  it('fetches on first use and then serves the cached token', async () => {
    const endpoint = new FakeTokenEndpoint();
    const tokens = manager(endpoint);
    assert.equal(endpoint.requests, 0, 'nothing is fetched before it is needed');
    assert.equal(await tokens.token(scope), 'token-1');
    assert.equal(await tokens.token(scope), 'token-1');
    assert.equal(endpoint.requests, 1);
  });

  it('runs one fetch however many operations wait for it (single flight), and shares its failure', async () => {
    const endpoint = new FakeTokenEndpoint();
    endpoint.autoAnswer = false;
    const tokens = manager(endpoint);
    const waiting = Array.from({ length: 25 }, () => tokens.token(scope));
    await flush();
    assert.equal(endpoint.requests, 1);
    endpoint.answerAll();
    assert.deepEqual(new Set(await Promise.all(waiting)), new Set(['token-1']));

    // A failed fetch fails everyone who waited for it, and is not cached: the next use asks again.
    const cold = manager(endpoint);
    const failing = Array.from({ length: 5 }, () => cold.token(scope));
    await flush();
    assert.equal(endpoint.requests, 2);
    endpoint.failAll(new Error('token endpoint down'));
    const outcomes = await Promise.allSettled(failing);
    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      Array(5).fill('rejected'),
    );
    const retry = cold.token(scope);
    await flush();
    assert.equal(endpoint.requests, 3);
    endpoint.answerAll();
    assert.equal(await retry, 'token-3');
  });

  it('replaces the token a margin before it expires: 10 % of its life, at most 30 s', async () => {
    assert.equal(refreshMarginMs(300), 30_000);
    assert.equal(refreshMarginMs(3600), 30_000);
    assert.equal(refreshMarginMs(60), 6_000);
    assert.equal(refreshMarginMs(2), 200);

    const endpoint = new FakeTokenEndpoint();
    const clock = { now: 1_000_000 };
    const tokens = manager(endpoint, clock);
    assert.equal(await tokens.token(scope), 'token-1');
    clock.now += 270_000 - 1; // expires at +300 s; the margin is 30 s
    assert.equal(await tokens.token(scope), 'token-1');
    clock.now += 1;
    assert.equal(await tokens.token(scope), 'token-2', 'still valid for 30 s, but replaced now');
    assert.equal(endpoint.requests, 2);
  });

  it('on a refused token fetches a new one and replays once', async () => {
    const endpoint = new FakeTokenEndpoint();
    const tokens = manager(endpoint);
    await tokens.token(scope);
    const sent: string[] = [];
    const answer = await tokens.authorized(
      scope,
      (token) => {
        sent.push(token);
        return Promise.resolve(token === 'token-1' ? 401 : 200);
      },
      (status) => status === 401,
    );
    assert.equal(answer, 200);
    assert.deepEqual(sent, ['token-1', 'token-2']);
    assert.equal(endpoint.requests, 2);
  });

  it('a refusal of the fresh token too is UPSTREAM_REJECTED, not a loop', async () => {
    const endpoint = new FakeTokenEndpoint();
    const tokens = manager(endpoint);
    const sent: string[] = [];
    await assert.rejects(
      tokens.authorized(
        scope,
        (token) => {
          sent.push(token);
          return Promise.resolve(401);
        },
        (status) => status === 401,
      ),
      (error) => {
        assert.ok(error instanceof UpstreamRejectedError);
        assert.equal(error.extensions.code, 'UPSTREAM_REJECTED');
        assert.doesNotMatch(error.message, /token-\d/, 'the token never appears in an error');
        return true;
      },
    );
    assert.deepEqual(sent, ['token-1', 'token-2']);
    assert.equal(endpoint.requests, 2);
  });

  it('many calls refused with the same token at once cause one refresh', async () => {
    const endpoint = new FakeTokenEndpoint();
    endpoint.autoAnswer = false;
    const tokens = manager(endpoint);
    const first = tokens.token(scope);
    await flush();
    endpoint.answerAll();
    assert.equal(await first, 'token-1');

    const sent: string[] = [];
    const calls = Array.from({ length: 10 }, () =>
      tokens.authorized(
        scope,
        (token) => {
          sent.push(token);
          return Promise.resolve(token === 'token-1' ? 401 : 200);
        },
        (status) => status === 401,
      ),
    );
    await flush();
    assert.equal(endpoint.requests, 2, 'one refresh for all ten refusals');
    endpoint.answerAll();
    assert.deepEqual(await Promise.all(calls), Array(10).fill(200));
    assert.deepEqual(sent.sort(), [
      ...Array<string>(10).fill('token-1'),
      ...Array<string>(10).fill('token-2'),
    ]);
  });
});
