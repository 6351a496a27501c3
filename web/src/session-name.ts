// A session named for people: by its date, and, where the patient has another session that
// day (one per device), by its device too. The record's id is not a name.

import { formatDay } from './dates';
import type { TreatmentSession } from './types';

/** "session of 7 Dec 2026", or "session of 7 Dec 2026 (Dermaroller 192 needles, 0.5 mm)" when that day has several. */
export function sessionName(s: Pick<TreatmentSession, 'id' | 'date' | 'device'>, all: readonly Pick<TreatmentSession, 'id' | 'date' | 'device'>[],
  deviceName: (id: string) => string): string {
  const base = `session of ${formatDay(s.date)}`;
  const sameDay = all.filter((x) => x.date === s.date);
  if (sameDay.length < 2) return base;
  // Two sessions on one day with one device (or none) are told apart by their order that day.
  const sameDevice = sameDay.filter((x) => x.device === s.device).sort((a, b) => a.id - b.id);
  const device = s.device ? deviceName(s.device) : 'no device';
  return sameDevice.length < 2 ? `${base} (${device})` : `${base} (${device}, ${sameDevice.findIndex((x) => x.id === s.id) + 1} of ${sameDevice.length})`;
}
