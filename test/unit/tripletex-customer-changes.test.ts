import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { customerChanges, type TripletexCustomerChanges } from '../../activities/tripletex/customer-operations';
import { customerSchema, type TripletexCustomer } from '../../activities/tripletex/tripletex-schemas';

/** A customer as findCustomers() reads it (CUSTOMER_FIELDS). */
const existing: TripletexCustomer = {
  id: 3, version: 2, name: 'Ola Nordmann', customerNumber: 100001, organizationNumber: '', email: 'ola@example.no',
  invoiceEmail: 'ola@example.no', phoneNumberMobile: '40000000', isPrivateIndividual: true, isInactive: false, language: 'NO',
  postalAddress: { id: 2500001, addressLine1: 'Storgata 1', postalCode: '0155', city: 'Oslo' },
};

/** Everything the transfer would write, equal to `existing`. */
const same: TripletexCustomerChanges = {
  name: 'Ola Nordmann', email: 'ola@example.no', invoiceEmail: 'ola@example.no', phoneNumberMobile: '40000000',
  organizationNumber: '', isPrivateIndividual: true, language: 'NO',
  postalAddress: { addressLine1: 'Storgata 1', postalCode: '0155', city: 'Oslo' },
};

describe('customerChanges', () => {
  test('null when nothing differs, or nothing is wanted', () => {
    assert.equal(customerChanges(existing, same), null);
    assert.equal(customerChanges(existing, {}), null);
    assert.equal(customerChanges(existing, { name: 'Ola Nordmann' }), null);
  });

  test('only the fields that differ', () => {
    assert.deepEqual(customerChanges(existing, { ...same, name: 'Ola N. Nordmann', email: 'ola.n@example.no' }),
      { name: 'Ola N. Nordmann', email: 'ola.n@example.no' });
    assert.deepEqual(customerChanges(existing, { ...same, isPrivateIndividual: false, organizationNumber: '999888777', language: 'EN' }),
      { isPrivateIndividual: false, organizationNumber: '999888777', language: 'EN' });
    assert.deepEqual(customerChanges(existing, { phoneNumberMobile: '41111111' }), { phoneNumberMobile: '41111111' });
  });

  test('comparison is exact: case and spaces count', () => {
    assert.deepEqual(customerChanges(existing, { email: 'Ola@example.no' }), { email: 'Ola@example.no' });
    assert.deepEqual(customerChanges(existing, { name: 'Ola Nordmann ' }), { name: 'Ola Nordmann ' });
  });

  test('an address line that differs sends the whole wanted postal address, with the existing address id', () => {
    assert.deepEqual(customerChanges(existing, { ...same, postalAddress: { addressLine1: 'Kirkegata 2', postalCode: '0155', city: 'Oslo' } }),
      { postalAddress: { id: 2500001, addressLine1: 'Kirkegata 2', postalCode: '0155', city: 'Oslo' } });
    // Lines left out of the wanted address are not compared.
    assert.equal(customerChanges(existing, { postalAddress: { city: 'Oslo' } }), null);
    assert.deepEqual(customerChanges(existing, { postalAddress: { city: 'Bergen' } }), { postalAddress: { id: 2500001, city: 'Bergen' } });
  });

  test('an empty text equals a missing one (Tripletex sends "" or null); anything else against a missing value differs', () => {
    const sparse = customerSchema.parse({ id: 4, name: 'Kari', email: null, postalAddress: null });
    assert.equal(customerChanges(sparse, { email: '', invoiceEmail: '', postalAddress: { addressLine1: '' } }), null);
    assert.deepEqual(customerChanges(sparse, { email: 'kari@example.no', isPrivateIndividual: false, postalAddress: { city: 'Oslo' } }),
      { email: 'kari@example.no', isPrivateIndividual: false, postalAddress: { city: 'Oslo' } });
    // A POST response carries the address as an {id,url} stub: its lines are unknown, so they differ.
    const stub = customerSchema.parse({ ...existing, postalAddress: { id: 2500001, url: '127.0.0.1/v2/address/2500001' } });
    assert.deepEqual(stub.postalAddress, { id: 2500001 });
    assert.deepEqual(customerChanges(stub, { postalAddress: { city: 'Oslo' } }), { postalAddress: { id: 2500001, city: 'Oslo' } });
  });

  test('the result is a copy: changing it leaves the wanted object alone', () => {
    const wanted: TripletexCustomerChanges = { postalAddress: { city: 'Bergen' } };
    const changes = customerChanges(existing, wanted);
    assert.ok(changes?.postalAddress);
    changes.postalAddress.city = 'Trondheim';
    assert.equal(wanted.postalAddress?.city, 'Bergen');
  });
});
