/**
 * Building blocks of the sandboxes' OpenAPI 3.1 documents (`src/vendors/<vendor>/openapi.ts`). Each vendor's
 * document is written from its `contract.ts` and README; these helpers only keep the repeated shapes (JSON
 * responses, parameters, rate-limit headers) spelled one way. Plain data: a document is built per origin and
 * served as JSON by `serveOpenApi` in `sandbox-server.ts`.
 */

/** A JSON Schema (draft 2020-12, OpenAPI 3.1's dialect). */
export type JsonSchema = Record<string, unknown>;

/** An OpenAPI 3.1 document, typed as far as the sandboxes and the tests read it. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string; description: string }[];
  tags: { name: string; description: string }[];
  security?: Record<string, string[]>[];
  paths: Record<string, OpenApiPathItem>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, Record<string, unknown>>;
    headers?: Record<string, OpenApiHeader>;
    responses?: Record<string, OpenApiResponse>;
    parameters?: Record<string, OpenApiParameter>;
  };
}

export interface OpenApiPathItem {
  /** Overrides the document's server for routes outside the vendor's base path (manifests, sandbox levers). */
  servers?: { url: string; description: string }[];
  get?: OpenApiOperation;
  post?: OpenApiOperation;
  put?: OpenApiOperation;
  patch?: OpenApiOperation;
  delete?: OpenApiOperation;
}

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export const HTTP_METHODS: readonly HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  security?: Record<string, string[]>[];
  parameters?: (OpenApiParameter | OpenApiRef)[];
  requestBody?: {
    required: boolean;
    description: string;
    content: Record<string, { schema: JsonSchema; example?: unknown }>;
  };
  responses: Record<string, OpenApiResponse | OpenApiRef>;
}

export interface OpenApiRef {
  $ref: string;
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  description: string;
  required: boolean;
  schema: JsonSchema;
  example?: unknown;
}

export interface OpenApiHeader {
  description: string;
  schema: JsonSchema;
}

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, OpenApiHeader | OpenApiRef>;
  content?: Record<string, { schema: JsonSchema; example?: unknown }>;
}

/** `{ $ref: '#/components/schemas/<name>' }` */
export function schemaRef(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

/**
 * A value of `schema`, or null. Spelled `anyOf` with a `null` branch rather than `type: [t, 'null']`: both are
 * JSON Schema, but GraphQL Mesh reads only the `anyOf` form as nullable (a required `type` array becomes `T!`, and
 * the first null answer fails the whole field).
 */
export function nullable(schema: JsonSchema): JsonSchema {
  const { description, ...rest } = schema;
  return { ...(description === undefined ? {} : { description }), anyOf: [rest, { type: 'null' }] };
}

/** An object schema whose listed keys are required and which carries nothing else (answers only). */
export function closedObject(
  description: string,
  properties: Record<string, JsonSchema>,
  required: string[] = Object.keys(properties),
): JsonSchema {
  return { type: 'object', description, properties, required, additionalProperties: false };
}

/** A JSON response. */
export function jsonResponse(
  description: string,
  schema: JsonSchema,
  headers?: Record<string, OpenApiHeader | OpenApiRef>,
): OpenApiResponse {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema } },
  };
}

export function pathParam(
  name: string,
  description: string,
  schema: JsonSchema = { type: 'string' },
): OpenApiParameter {
  return { name, in: 'path', required: true, description, schema };
}

export function queryParam(name: string, description: string, schema: JsonSchema): OpenApiParameter {
  return { name, in: 'query', required: false, description, schema };
}

/**
 * The rate-limit headers of `fixedWindowRateLimit` (and NFC Tagify's own limiter): one fixed window per key,
 * aligned to the clock, so `x-ratelimit-reset` is the same for every request of the window.
 */
export const RATE_LIMIT_HEADERS: Record<string, OpenApiHeader> = {
  RateLimitLimit: {
    description: 'Requests allowed per window for the presented key.',
    schema: { type: 'integer', minimum: 1 },
  },
  RateLimitRemaining: {
    description: 'Requests left in the current window.',
    schema: { type: 'integer', minimum: 0 },
  },
  RateLimitReset: {
    description: 'When the current window ends, in Unix epoch seconds.',
    schema: { type: 'number' },
  },
  RetryAfter: {
    description: 'Seconds to wait before retrying (on 429, and on 503 where the vendor sends it).',
    schema: { type: 'integer', minimum: 1 },
  },
};

/** Header references for an answer that passed through the rate limiter (`retryAfter` for 429s). */
export function rateLimitHeaderRefs(retryAfter = false): Record<string, OpenApiRef> {
  return {
    'x-ratelimit-limit': { $ref: '#/components/headers/RateLimitLimit' },
    'x-ratelimit-remaining': { $ref: '#/components/headers/RateLimitRemaining' },
    'x-ratelimit-reset': { $ref: '#/components/headers/RateLimitReset' },
    ...(retryAfter ? { 'retry-after': { $ref: '#/components/headers/RetryAfter' } } : {}),
  };
}

/** `{ $ref: '#/components/responses/<name>' }` */
export function responseRef(name: string): OpenApiRef {
  return { $ref: `#/components/responses/${name}` };
}

/**
 * Prefixes every component schema name (and every reference to one) with the vendor's contract prefix (`Cm`,
 * `Pp`, …): tools that load several documents into one namespace, GraphQL Mesh among them, name types after the
 * schemas, and five vendors each have their own `Order`, `Error` and `OrderStatus`.
 */
export function prefixSchemaNames(prefix: string, document: OpenApiDocument): OpenApiDocument {
  const rename = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rename);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [
        key,
        key === '$ref' && typeof entry === 'string'
          ? entry.replace('#/components/schemas/', `#/components/schemas/${prefix}`)
          : rename(entry),
      ]),
    );
  };
  const renamed = rename(document) as OpenApiDocument;
  renamed.components.schemas = Object.fromEntries(
    Object.entries(renamed.components.schemas).map(([name, schema]) => [`${prefix}${name}`, schema]),
  );
  return renamed;
}

/** A string property with its description (and any further keywords). */
export const text = (description: string, extra: JsonSchema = {}): JsonSchema => ({
  type: 'string',
  description,
  ...extra,
});

/** An RFC 3339 timestamp. */
export const timestamp = (description: string): JsonSchema => text(description, { format: 'date-time' });

/** A vendor's operation builder: `operation(operationId, tag, summary, description, success, errors, rest?)`. */
export type OperationBuilder = (
  operationId: string,
  tag: string,
  summary: string,
  description: string,
  success: Record<string, OpenApiResponse>,
  errors: string[],
  rest?: Partial<OpenApiOperation>,
) => OpenApiOperation;

/**
 * Builds one vendor's operations: the success answers, then its error statuses as references to the vendor's
 * named error responses (`byStatus`, `fallback` for a status without one), then the answers every operation of
 * that vendor may give (`always`: authentication, rate limit, server errors).
 */
export function operationBuilder(
  byStatus: Readonly<Record<string, string>>,
  fallback: string,
  always: Readonly<Record<string, string>>,
): OperationBuilder {
  return (operationId, tag, summary, description, success, errors, rest = {}) => ({
    operationId,
    summary,
    description,
    tags: [tag],
    ...rest,
    responses: {
      ...success,
      ...Object.fromEntries(errors.map((status) => [status, responseRef(byStatus[status] ?? fallback)])),
      ...Object.fromEntries(Object.entries(always).map(([status, name]) => [status, responseRef(name)])),
    },
  });
}
