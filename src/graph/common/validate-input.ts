import type { ValidationError } from 'class-validator';
import { validate } from 'class-validator';
import { UserErrorCode, userError } from './user-error.type.js';
import type { UserError } from './user-error.type.js';

/**
 * Runs class-validator over an input object type-graphql has already instantiated (nested inputs included)
 * and answers one VALIDATION user error per broken rule, with the field's full path from the argument name.
 * Empty when the input is valid. Mutations call this before anything reaches a vendor.
 */
export async function validateInput(argument: string, input: object): Promise<UserError[]> {
  const errors = await validate(input, {
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
  });
  return flatten(errors, [argument]);
}

function flatten(errors: ValidationError[], path: string[]): UserError[] {
  return errors.flatMap((error) => {
    const field = [...path, error.property];
    const own = Object.values(error.constraints ?? {}).map((message) =>
      userError(UserErrorCode.VALIDATION, `${field.slice(1).join('.')}: ${message}`, field),
    );
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
