import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UpstreamBadResponseError } from '../../src/errors/gateway-errors.js';
import { moneyFromMinorUnits } from '../../src/vendors/money.js';
import { moneyFromMinor } from '../../src/vendors/partnerorders/mappers.js';
import { moneyFromVendor } from '../../src/vendors/partnerportal/mappers.js';

describe('money from a vendor’s minor units', () => {
  it('divides by the currency’s ISO 4217 decimals', () => {
    assert.deepEqual(moneyFromMinorUnits(10000, 'DKK', 'PartnerPortal'), { amount: 100, currency: 'DKK' });
    assert.deepEqual(moneyFromMinorUnits(26278, 'GBP', 'Partner Orders'), {
      amount: 262.78,
      currency: 'GBP',
    });
    assert.deepEqual(moneyFromMinorUnits(1200, 'JPY', 'Partner Orders'), { amount: 1200, currency: 'JPY' });
    assert.deepEqual(moneyFromMinorUnits(12345, 'KWD', 'Partner Orders'), {
      amount: 12.345,
      currency: 'KWD',
    });
  });

  it('follows ISO 4217 where Intl’s display digits differ from it', () => {
    // CLDR shows forints, Lebanese pounds and Iraqi dinars without decimals; their minor units are 2, 2 and 3.
    assert.equal(
      new Intl.NumberFormat('en', { style: 'currency', currency: 'HUF' }).resolvedOptions()
        .maximumFractionDigits,
      0,
    );
    assert.deepEqual(moneyFromVendor({ amount: 150000, currency: 'HUF' }), { amount: 1500, currency: 'HUF' });
    assert.deepEqual(moneyFromMinor(250, 'LBP'), { amount: 2.5, currency: 'LBP' });
    assert.deepEqual(moneyFromMinor(5000, 'IQD'), { amount: 5, currency: 'IQD' });
  });

  it('fails the vendor’s answer for a currency ISO 4217 does not list, naming the vendor and the code', () => {
    for (const currency of ['ABC', 'dkk', '', 'EURO']) {
      assert.throws(
        () => moneyFromVendor({ amount: 100, currency }),
        (error: unknown) =>
          error instanceof UpstreamBadResponseError &&
          error.message.includes('PartnerPortal') &&
          error.message.includes(`currency ${JSON.stringify(currency)} is not in ISO 4217`),
        currency,
      );
    }
    assert.throws(() => moneyFromMinor(100, 'XYZ'), /Partner Orders .*"XYZ" is not in ISO 4217/);
  });
});
