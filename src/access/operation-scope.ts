import type { ApolloServerPlugin } from '@apollo/server';
import type { OperationTypeNode } from 'graphql';
import type { Caller, KeyScope } from '../auth.js';
import { ForbiddenError } from '../errors/gateway-errors.js';

/** The scope each kind of operation needs: mutations write, everything else reads. */
const SCOPE_OF: Record<OperationTypeNode, KeyScope> = {
  query: 'read',
  subscription: 'read',
  mutation: 'write',
};

/**
 * The error for an operation the key's scopes do not allow, before any resolver runs (so nothing is read from
 * or written to a vendor); undefined when allowed. HTTP (`operationScopePlugin`) and graphql-ws
 * (`subscription-server.ts`) both ask here.
 */
export function operationScopeError(
  caller: Caller,
  operation: OperationTypeNode,
): ForbiddenError | undefined {
  const needed = SCOPE_OF[operation];
  if (caller.scopes.includes(needed)) return undefined;
  return new ForbiddenError(`This API key lacks the "${needed}" scope, which every ${operation} needs.`);
}

/** Refuses operations outside the caller's scopes with FORBIDDEN, HTTP status 403. */
export function operationScopePlugin<TContext extends { caller: Caller }>(): ApolloServerPlugin<TContext> {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ operation, contextValue, response }) {
          // Apollo resolves the operation before this hook; without one it has already answered an error.
          const error = operation && operationScopeError(contextValue.caller, operation.operation);
          if (error) {
            response.http.status = 403;
            throw error;
          }
          return Promise.resolve();
        },
      });
    },
  };
}
