import iso4217 from 'currency-codes';
import { UpstreamBadResponseError } from '../errors/gateway-errors.js';
import type { Money } from '../graph/common/money.type.js';

/**
 * The decimals of each currency's minor unit, from ISO 4217's list (the `currency-codes` package): 2 for DKK and
 * GBP, 0 for JPY and ISK, 3 for KWD and IQD. Not from `Intl.NumberFormat`, whose fraction digits are CLDR's
 * display conventions and differ from ISO 4217 for some currencies (HUF and LBP 0 where ISO 4217 says 2, IQD 0
 * for 3: amounts 100 or 1,000 times too large), and whose first use pages ~4 MB of ICU data into the process.
 */
const MINOR_UNIT_DIGITS: ReadonlyMap<string, number> = new Map(
  iso4217.data.map(({ code, digits }) => [code, digits]),
);

/**
 * An amount in a currency's minor units (øre, pence) as major units: `(26278, 'GBP')` → 262.78 GBP, `(1200,
 * 'JPY')` → 1200 JPY. A currency ISO 4217 does not list cannot be converted without guessing by a factor of
 * 100, so it fails the vendor's answer (`UPSTREAM_BAD_RESPONSE` naming `vendor`).
 */
export function moneyFromMinorUnits(minor: number, currency: string, vendor: string): Money {
  const digits = MINOR_UNIT_DIGITS.get(currency);
  if (digits === undefined) {
    throw new UpstreamBadResponseError(
      vendor,
      `currency ${JSON.stringify(String(currency).slice(0, 12))} is not in ISO 4217`,
    );
  }
  // Dividing an integer by a power of ten gives the double nearest the exact amount, as parsing "262.78" would.
  return { amount: minor / 10 ** digits, currency };
}
