import { getNamedType } from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import { BadUserInputError } from '../../errors/gateway-errors.js';

/** No vendor's identifier comes near this; a longer one would only make an oversized vendor URL. */
export const MAX_ID_LENGTH = 200;

/**
 * Refuses an `ID` argument longer than `MAX_ID_LENGTH` before its resolver runs, naming the argument: ids end up
 * in vendor URLs, and a vendor answers a URL of many kilobytes with HTTP 414/431, which says nothing about the
 * input. Applied to every field (type-graphql's global middleware); fields without ID arguments pass straight on.
 */
export const boundedIdArguments: MiddlewareFn = ({ args, info }, next) => {
  const field = info.parentType.getFields()[info.fieldName];
  for (const arg of field?.args ?? []) {
    if (getNamedType(arg.type).name !== 'ID') continue;
    const value: unknown = (args as Record<string, unknown>)[arg.name];
    for (const id of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (typeof id === 'string' && id.length > MAX_ID_LENGTH) {
        throw new BadUserInputError(
          `${arg.name} must be at most ${MAX_ID_LENGTH} characters, got ${id.length}.`,
          arg.name,
        );
      }
    }
  }
  return next();
};
