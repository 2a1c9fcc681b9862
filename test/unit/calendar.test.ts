import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDays, osloDate } from '../../domain/calendar';

test('osloDate uses the Oslo calendar day, not the UTC one', () => {
  assert.equal(osloDate(new Date('2026-12-03T23:30:00Z')), '2026-12-04'); // 00:30 in Oslo (CET)
  assert.equal(osloDate(new Date('2026-06-30T22:30:00Z')), '2026-07-01'); // 00:30 in Oslo (CEST)
  assert.equal(osloDate(new Date('2026-12-04T12:00:00Z')), '2026-12-04');
});

test('addDays crosses months and years', () => {
  assert.equal(addDays('2026-12-31', 1), '2027-01-01');
  assert.equal(addDays('2028-02-28', 1), '2028-02-29');
  assert.equal(addDays('2026-03-01', -1), '2026-02-28');
});
