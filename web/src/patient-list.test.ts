import { describe, expect, it } from 'vitest';
import { cursorPlaceGone, demoBanner, LIST_RESTARTED, listSummary, patientsAddress, searchInAddress } from './patient-list';

describe('patient list', () => {
  it('says how many are shown of how many match', () => {
    expect(listSummary(12, { total: 12, next: null })).toBeNull();
    expect(listSummary(50, { total: 1234, next: 'c' })).toBe('50 of 1,234 shown');
    expect(listSummary(100, { total: 1234, next: 'c' })).toBe('100 of 1,234 shown');
  });

  it('says "more than 1,000" when the server stopped counting', () => {
    expect(listSummary(50, { total: 1001, total_is_lower_bound: true, next: 'c' })).toBe('50 of more than 1,000 shown');
    expect(listSummary(1200, { total: 1001, total_is_lower_bound: true, next: null })).toBe('1,200 of more than 1,000 shown');
  });

  it('shows the demo banner only while demo patients are there', () => {
    expect(demoBanner(0)).toBeNull();
    expect(demoBanner(1)).toMatch(/holds 1 demo patient made/);
    expect(demoBanner(25000)).toMatch(/holds 25,000 demo patients/);
  });
});

describe('a cursor whose place is gone', () => {
  it.each([
    // status, field,     restart from the top?
    [409, '?after', true],    // the cursor's patient was renamed since
    [400, '?after', false],   // not a cursor at all: a plain error
    [409, '/name', false],    // another conflict
    [409, undefined, false],
    [500, '?after', false],
  ])('%i at %s: %s', (status, field, restart) => {
    expect(cursorPlaceGone({ status, field })).toBe(restart);
  });
  it('says why the list starts again', () => {
    expect(LIST_RESTARTED).toMatch(/renamed/);
    expect(LIST_RESTARTED).toMatch(/from the top/);
  });
});

describe('the search in the address', () => {
  it.each([
    ['', '#/patients'],
    ['mül', '#/patients?q=m%C3%BCl'],
    ['Anna & Co', '#/patients?q=Anna+%26+Co'],
    ['50% off?', '#/patients?q=50%25+off%3F'],
  ])('%j is kept as %s and read back', (q, address) => {
    expect(patientsAddress(q)).toBe(address);
    expect(searchInAddress(address.split('?')[1])).toBe(q);
  });
  it('reads no search from no query', () => {
    expect(searchInAddress(undefined)).toBe('');
    expect(searchInAddress('other=1')).toBe('');
  });
});
