/** A JSON object (not null, not an array): the first check on any vendor body before reading its fields. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A whole number GraphQL's Int can carry (a count, a quantity, a line number). */
export function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= 2_147_483_647;
}

/** A date or date-time string `Date` can read (what becomes a DateTime); anything else would fail to serialise. */
export function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}

export function isNullableString(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

/** Absent, null or a string: how vendors write an optional text field. */
export function isOptionalString(value: unknown): value is string | null | undefined {
  return value === undefined || isNullableString(value);
}
