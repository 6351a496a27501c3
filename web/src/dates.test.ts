import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, formatDay, formatHours, localInputToUtc, parseDay } from './dates';

describe('dates', () => {
  it('parses only real calendar days', () => {
    expect(parseDay('2026-02-28')?.toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(parseDay('2026-02-30')).toBeNull();
    expect(parseDay('22.11.2026')).toBeNull();
  });
  it('counts and adds days across month ends', () => {
    expect(daysBetween('2026-12-30', '2027-02-10')).toBe(42);
    expect(addDays('2026-12-30', 42)).toBe('2027-02-10');
    expect(daysBetween('x', '2026-01-01')).toBeNaN();
  });
  it('formats a calendar day in the given locale without shifting it', () => {
    expect(formatDay('2026-11-22', 'en-GB')).toBe('22 Nov 2026');
    expect(formatDay('2026-11-22', 'de-DE')).toBe('22.11.2026');
    expect(formatDay('2026-11-22', 'en-US')).toBe('Nov 22, 2026');
    expect(formatDay('', 'en-GB')).toBe('');
    expect(formatDay('not a day', 'en-GB')).toBe('not a day');
  });
  it('turns a datetime-local value into the API’s UTC form', () => {
    const utc = localInputToUtc('2026-11-22T09:30');
    expect(utc).toMatch(/^2026-11-2\dT\d\d:30:00Z$/);
    expect(localInputToUtc('nonsense')).toBeNull();
  });
  it('words aftercare windows', () => {
    expect(formatHours(24)).toBe('24 h');
    expect(formatHours(72)).toBe('3 days');
    expect(formatHours(336)).toBe('2 weeks');
  });
});
