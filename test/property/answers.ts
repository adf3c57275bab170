import assert from 'node:assert/strict';
import { request } from 'node:http';
import fc from 'fast-check';

/**
 * One fixed seed by default, so a run (and CI) is repeatable: the same inputs every time. `FC_SEED=<n>` replays a
 * failure fast-check reported; `FC_SEED=random` explores new inputs (do that when changing input handling).
 */
const seedSetting = process.env.FC_SEED ?? '20261202';
if (seedSetting !== 'random') {
  const seed = Number(seedSetting);
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", got ${seedSetting}`);
  fc.configureGlobal({ seed });
}

/**
 * What the property tests hold every answer to, whatever was thrown at the server: never a 5xx, never a stack
 * or internal detail, never an internal error, and refusals with a message and a code a client can act on.
 */

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | string;
}

/** node:http rather than fetch: odd headers and bytes go out exactly as generated. */
export function send(origin: string, raw: RawRequest): Promise<RawAnswer> {
  const url = new URL(raw.path, origin);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: raw.method,
        headers: {
          ...raw.headers,
          ...(raw.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(raw.body)) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(raw.body);
  });
}

export interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

export interface GraphQLBody {
  data?: unknown;
  errors?: GraphQLError[];
}

/** Codes a bad request may earn; INTERNAL_SERVER_ERROR is never one of them. */
export const REFUSAL_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
]);

/** A stack frame, a source location or an internal module name: none may reach a client. */
const INTERNAL_DETAIL =
  /\n\s+at |node_modules|\bat [\w.<>]+ \(|\.(ts|js):\d+|stacktrace|TypeError|ReferenceError/;

/** The checks every answer passes; returns the parsed body when it is GraphQL JSON. */
export function assertCleanAnswer(answer: RawAnswer, context: string): GraphQLBody | undefined {
  const where = `${context}\n→ ${answer.status} ${answer.text.slice(0, 600)}`;
  assert.ok(answer.status >= 200 && answer.status < 500, `no 5xx: ${where}`);
  assert.doesNotMatch(answer.text, INTERNAL_DETAIL, `no internal detail: ${where}`);
  const type = String(answer.headers['content-type'] ?? '');
  if (!/json/.test(type)) return undefined;
  const body = JSON.parse(answer.text) as GraphQLBody;
  for (const error of body.errors ?? []) {
    assert.equal(typeof error.message, 'string', where);
    assert.ok(error.message.length > 0, `a message: ${where}`);
    const code = error.extensions?.code;
    assert.notEqual(code, 'INTERNAL_SERVER_ERROR', `no internal error: ${where}`);
    assert.ok(
      typeof code === 'string' && REFUSAL_CODES.has(code),
      `a known code (${String(code)}): ${where}`,
    );
  }
  // GraphQL over HTTP: a request refused before execution has no data and a 4xx; an executed one has data and 200.
  if (body.errors?.length && !('data' in body)) {
    assert.ok(answer.status >= 400, `a refused request is a 4xx: ${where}`);
  }
  if ('data' in body && body.data !== undefined) assert.equal(answer.status, 200, where);
  return body;
}

/** A long string that prints as its length in a counterexample, not as itself. */
export function longString(unit: string, length: number): string {
  // fast-check prints boxed strings with their toString method: the value itself still goes out as JSON.
  const value = unit.repeat(length);
  return Object.assign(new String(value), {
    [fc.toStringMethod]: () => `<${length} × ${JSON.stringify(unit)}>`,
    toJSON: () => value,
  }) as unknown as string;
}
