/**
 * The codes of top-level GraphQL errors (`extensions.code`). One enum for the whole gateway: clients switch on
 * these, so they only grow. Mutation outcomes a client should handle (validation, conflicts) are user errors
 * instead, see `src/graph/common/user-error.type.ts`.
 */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  RATE_LIMITED = 'RATE_LIMITED',
  UPSTREAM_UNAVAILABLE = 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_BAD_RESPONSE = 'UPSTREAM_BAD_RESPONSE',
  UPSTREAM_REJECTED = 'UPSTREAM_REJECTED',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}
