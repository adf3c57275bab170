/**
 * The National Express Accounts contract (`contract.ts`, README.md) as an OpenAPI 3.1 document, served by the
 * sandbox at `GET /openapi.json`. `test/vendors/openapi.test.ts` holds it to the sandbox's routes and real answers.
 */
import {
  NE_ACCOUNT_STATUSES,
  NE_CODE,
  NE_DEFAULT_PAGE_SIZE,
  NE_MAX_PAGE_SIZE,
  NE_MAX_TICKET_REFERENCES,
  NE_TICKET_REFERENCE_PATTERN,
  NE_TRACING_HEADER,
} from './contract.js';
import {
  closedObject,
  jsonResponse,
  prefixSchemaNames,
  nullable,
  pathParam,
  queryParam,
  RATE_LIMIT_HEADERS,
  rateLimitHeaderRefs,
  schemaRef,
  text,
  timestamp,
  operationBuilder,
} from '../openapi-common.js';
import type {
  JsonSchema,
  OpenApiDocument,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiResponse,
} from '../openapi-common.js';

const ERROR_CODES = Object.values(NE_CODE).filter((code) => code !== NE_CODE.SUCCESS);

/** The envelope around a successful `data`, with `pagination` on lists. */
const success = (description: string, data: JsonSchema, paged = false): JsonSchema =>
  closedObject(
    description,
    {
      code: { const: NE_CODE.SUCCESS, description: '100000: success.' },
      message: text('`Success`.'),
      data,
      ...(paged ? { pagination: schemaRef('Pagination') } : {}),
      meta: schemaRef('Meta'),
      links: schemaRef('Links'),
    },
    ['code', 'message', 'data', ...(paged ? ['pagination'] : []), 'meta', 'links'],
  );

const schemas: Record<string, JsonSchema> = {
  Meta: closedObject(
    'The document’s Meta block.',
    {
      timestamp: timestamp('When the vendor answered (UTC, milliseconds).'),
      version: text('Contract version, `1.0`.'),
      tracing: text(
        `The caller's tracing id (\`${NE_TRACING_HEADER}\` or \`x-request-id\`), or one made up.`,
      ),
    },
    ['timestamp', 'version'],
  ),
  Link: closedObject(
    'A HATEOAS link.',
    {
      href: text('Absolute URL.'),
      method: { type: 'string', enum: ['GET', 'POST', 'DELETE'], description: 'Absent means GET.' },
      templated: { type: 'boolean', description: 'The href holds an RFC 6570 `{placeholder}` to fill in.' },
    },
    ['href'],
  ),
  Links: {
    type: 'object',
    description: 'Links by relation name (`self`, `next`, `tickets`, …); ignore relations you do not know.',
    additionalProperties: schemaRef('Link'),
  },
  Pagination: closedObject('Paging of a list answer.', {
    page: {
      type: 'integer',
      minimum: 1,
      description: '1-based; may lie beyond totalPages (then data is empty).',
    },
    pageSize: { type: 'integer', minimum: 1, description: 'Page size.' },
    totalItems: { type: 'integer', minimum: 0, description: 'Everything that matches.' },
    totalPages: { type: 'integer', minimum: 0, description: '0 when nothing matches.' },
  }),
  AccountStatus: {
    type: 'string',
    enum: [...NE_ACCOUNT_STATUSES],
    description: 'Tickets can be linked to active and pending accounts; unlinked from any.',
  },
  Account: closedObject(
    'A customer account.',
    {
      accountId: text('`NXA-` + 6 digits.', { pattern: '^NXA-\\d{6}$' }),
      email: text('Account email.'),
      firstName: text('First name.'),
      lastName: text('Last name.'),
      displayName: nullable(text('The name the customer chose to be greeted by.')),
      status: schemaRef('AccountStatus'),
      createdAt: timestamp('When the account was created.'),
      updatedAt: timestamp('When the account last changed (ticket links included).'),
      linkedTicketCount: { type: 'integer', minimum: 0, description: 'Tickets linked now.' },
      matchedTicketReferences: {
        type: 'array',
        items: { type: 'string' },
        description: 'Only with `ticketReferences`: which asked references this account holds.',
      },
      links: schemaRef('Links'),
    },
    [
      'accountId',
      'email',
      'firstName',
      'lastName',
      'displayName',
      'status',
      'createdAt',
      'updatedAt',
      'linkedTicketCount',
      'links',
    ],
  ),
  TicketLink: closedObject('A ticket linked to an account (to one account at a time).', {
    ticketReference: text('Ticket reference, e.g. `ATF-BIL010665L-3`.'),
    accountId: text('The account.'),
    linkedAt: timestamp('When it was linked; a repeated link keeps the first.'),
    links: schemaRef('Links'),
  }),
  LinkTicketRequest: {
    type: 'object',
    description: 'The ticket to link.',
    required: ['ticketReference'],
    properties: {
      ticketReference: text('6–40 upper-case letters and digits in hyphen-separated groups.', {
        pattern: NE_TICKET_REFERENCE_PATTERN.source,
      }),
    },
  },
  ErrorTypeDef: closedObject(
    'One field-specific problem.',
    {
      field: text('A body field, query or path parameter, or `body` / `Content-Type`.'),
      message: text('What is wrong with it.'),
      code: text('e.g. REQUIRED, INVALID_FORMAT, OUT_OF_RANGE, UNKNOWN_TICKET; accept any.'),
    },
    ['field', 'message'],
  ),
  Error: closedObject(
    'Every error answer: the envelope with `data: null`.',
    {
      code: {
        type: 'integer',
        enum: ERROR_CODES,
        description:
          '100400, 100401, 100403, 100404, 100429, 100500, 100503: the HTTP status is the last three digits.',
      },
      message: text('`<title>: <detail>`.'),
      data: { type: 'null', description: 'Always null on errors.' },
      errors: {
        type: 'array',
        items: schemaRef('ErrorTypeDef'),
        description: '100400: every problem; 100403 on linking: the rule that refused it.',
      },
      meta: schemaRef('Meta'),
      links: schemaRef('Links'),
    },
    ['code', 'message', 'data', 'meta', 'links'],
  ),
};

const tracing = { [NE_TRACING_HEADER]: { $ref: '#/components/headers/Tracing' } };
/** Every answer past the maintenance switch has been through the rate limiter. */
const limited = (retryAfter = false): OpenApiResponse['headers'] => ({
  ...tracing,
  ...rateLimitHeaderRefs(retryAfter),
});
const error = (description: string, headers = limited()): OpenApiResponse =>
  jsonResponse(description, schemaRef('Error'), headers);

const responses: Record<string, OpenApiResponse> = {
  ValidationError: error('100400: a parameter or body field breaks a rule; `errors` lists every problem.'),
  Unauthorized: error('100401: the bearer token is missing or wrong.'),
  Forbidden: error('100403: the account’s status does not allow linking.'),
  NotFound: error('100404: no such account, or the ticket is not linked to it.'),
  RateLimited: error('100429: the per-token budget of this minute is spent.', limited(true)),
  ServerError: error('100500: account management system failure; retry.'),
  ServiceUnavailable: error('100503: maintenance; retry after `retry-after` seconds.', {
    ...tracing,
    'retry-after': { $ref: '#/components/headers/RetryAfter' },
  }),
};

const ERROR_RESPONSE: Record<string, string> = {
  '400': 'ValidationError',
  '403': 'Forbidden',
  '404': 'NotFound',
};

const accountsOperation = operationBuilder(ERROR_RESPONSE, 'ServerError', {
  '401': 'Unauthorized',
  '429': 'RateLimited',
  '500': 'ServerError',
  '503': 'ServiceUnavailable',
});
const operation = (
  operationId: string,
  summary: string,
  description: string,
  ok: Record<string, OpenApiResponse>,
  errors: string[],
  rest: Partial<OpenApiOperation> = {},
): OpenApiOperation => accountsOperation(operationId, 'Accounts', summary, description, ok, errors, rest);

const answer = (description: string, data: JsonSchema, paged = false): OpenApiResponse =>
  jsonResponse(description, success(description, data, paged), limited());
const paging: OpenApiParameter[] = [
  queryParam('page', '1-based page, default 1.', { type: 'integer', minimum: 1 }),
  queryParam(
    'pageSize',
    `Page size 1–${NE_MAX_PAGE_SIZE}, default ${NE_DEFAULT_PAGE_SIZE} (${NE_MAX_PAGE_SIZE} with ticketReferences).`,
    { type: 'integer', minimum: 1, maximum: NE_MAX_PAGE_SIZE },
  ),
];
const accountId = pathParam('accountId', 'Account id, `NXA-` + 6 digits.');
const ticketReference = pathParam('ticketReference', 'Ticket reference.');

export function nationalExpressOpenApi(origin: string): OpenApiDocument {
  return prefixSchemaNames('Ne', {
    openapi: '3.1.0',
    info: {
      title: 'National Express Accounts (sandbox)',
      version: '1.0',
      description:
        'Customer accounts and the tickets linked to them. Authenticate with `Authorization: Bearer <token>`. ' +
        'Every answer is one envelope `{ code, message, data, errors?, pagination?, meta, links }`; send ' +
        `\`${NE_TRACING_HEADER}\` to see it echoed. Choices the vendor document leaves open are in ` +
        'src/vendors/nationalexpress/README.md.',
    },
    servers: [{ url: origin, description: 'This sandbox.' }],
    tags: [{ name: 'Accounts', description: 'Accounts and ticket links.' }],
    security: [{ bearer: [] }],
    paths: {
      '/accounts': {
        get: operation(
          'listAccounts',
          'List accounts',
          'Accounts matching every filter given, a page at a time. `ticketReferences` is the reverse lookup: the ' +
            'accounts holding any of those tickets, each with `matchedTicketReferences`.',
          { '200': answer('A page of accounts.', { type: 'array', items: schemaRef('Account') }, true) },
          ['400'],
          {
            parameters: [
              queryParam('email', 'Exact, case-insensitive.', { type: 'string' }),
              queryParam('status', 'Only accounts in this status.', schemaRef('AccountStatus')),
              queryParam('search', 'Case-insensitive substring of a name or the email, 1–100 characters.', {
                type: 'string',
                minLength: 1,
                maxLength: 100,
              }),
              queryParam(
                'ticketReferences',
                `Comma-separated ticket references, 1–${NE_MAX_TICKET_REFERENCES}: accounts holding any of them.`,
                { type: 'string' },
              ),
              ...paging,
            ],
          },
        ),
      },
      '/accounts/{accountId}': {
        get: operation(
          'getAccount',
          'Get an account',
          'One account with its links; 100404 when there is none.',
          { '200': answer('The account.', schemaRef('Account')) },
          ['400', '404'],
          { parameters: [accountId] },
        ),
      },
      '/accounts/{accountId}/tickets': {
        get: operation(
          'listAccountTickets',
          "List an account's tickets",
          'The tickets linked to the account, in linking order, a page at a time.',
          {
            '200': answer('A page of ticket links.', { type: 'array', items: schemaRef('TicketLink') }, true),
          },
          ['400', '404'],
          { parameters: [accountId, ...paging] },
        ),
        post: operation(
          'linkTicket',
          'Link a ticket to an account',
          'Links the ticket (201); linking it again to the same account answers 200 with the first link. A ticket ' +
            'linked elsewhere is 100400; a suspended or closed account is 100403.',
          {
            '201': answer('The new link.', schemaRef('TicketLink')),
            '200': answer('The ticket was already linked to this account.', schemaRef('TicketLink')),
          },
          ['400', '403', '404'],
          {
            parameters: [accountId],
            requestBody: {
              required: true,
              description: 'The ticket.',
              content: { 'application/json': { schema: schemaRef('LinkTicketRequest') } },
            },
          },
        ),
      },
      '/accounts/{accountId}/tickets/{ticketReference}': {
        get: operation(
          'getAccountTicket',
          'Get a ticket link',
          'The link, when the ticket is linked to this account; 100404 otherwise.',
          { '200': answer('The link.', schemaRef('TicketLink')) },
          ['400', '404'],
          { parameters: [accountId, ticketReference] },
        ),
        delete: operation(
          'unlinkTicket',
          'Unlink a ticket',
          'Releases the ticket from the account, whatever the account’s status; `data` is null.',
          { '200': answer('Unlinked.', { type: 'null' }) },
          ['400', '404'],
          { parameters: [accountId, ticketReference] },
        ),
      },
    },
    components: {
      schemas,
      responses,
      headers: {
        ...RATE_LIMIT_HEADERS,
        Tracing: {
          description: 'The tracing id of this answer, as in `meta.tracing`.',
          schema: { type: 'string' },
        },
      },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'The partner’s bearer token.' },
      },
    },
  });
}
