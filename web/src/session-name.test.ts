import { describe, expect, it } from 'vitest';
import { formatDay } from './dates';
import { sessionName } from './session-name';

const names: Record<string, string> = { 'roller-2': 'Dermaroller 2.0 mm', 'roller-05': 'Dermaroller 0.5 mm' };
const deviceName = (id: string) => names[id] ?? id;
const sessions = [
  { id: 3, date: '2026-12-07', device: 'roller-2' },
  { id: 4, date: '2026-12-07', device: 'roller-05' },
  { id: 9, date: '2027-01-20', device: 'roller-2' },
  { id: 11, date: '2027-02-10', device: 'roller-2' },
  { id: 12, date: '2027-02-10', device: 'roller-2' },
  { id: 13, date: '2027-02-10', device: '' },
];

describe('a session named for people', () => {
  it.each([
    [9, 'session of 20-JAN'],                                   // alone that day: the date says it
    [3, 'session of 7-DEC (Dermaroller 2.0 mm)'],               // two devices that day
    [4, 'session of 7-DEC (Dermaroller 0.5 mm)'],
    [12, 'session of 10-FEB (Dermaroller 2.0 mm, 2 of 2)'],     // the same device twice: their order
    [13, 'session of 10-FEB (no device)'],
  ])('session %i: %s', (id, label) => {
    // The dates as this machine's locale writes them.
    const day = { '20-JAN': '2027-01-20', '7-DEC': '2026-12-07', '10-FEB': '2027-02-10' } as Record<string, string>;
    const expected = label.replace(/\d+-[A-Z]{3}/, (k) => formatDay(day[k]));
    expect(sessionName(sessions.find((s) => s.id === id)!, sessions, deviceName)).toBe(expected);
  });
});
