// Dates: the API speaks YYYY-MM-DD (calendar days) and ISO 8601 UTC (instants); people read
// them in their own locale. Calendar days are formatted as days, never shifted by a time zone.

/** Parses YYYY-MM-DD into a UTC-midnight Date, or null. */
export function parseDay(day: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCDate() === Number(m[3]) ? d : null;
}

/** YYYY-MM-DD of a Date's UTC day. */
export function dayString(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Today in the user's time zone, as YYYY-MM-DD. */
export function todayLocal(now: Date = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** Whole days from a to b (both YYYY-MM-DD); NaN when either is not a date. */
export function daysBetween(a: string, b: string): number {
  const da = parseDay(a);
  const db = parseDay(b);
  if (!da || !db) return Number.NaN;
  return Math.round((db.getTime() - da.getTime()) / 86_400_000);
}

export function addDays(day: string, days: number): string {
  const d = parseDay(day);
  if (!d) return day;
  d.setUTCDate(d.getUTCDate() + days);
  return dayString(d);
}

/** A calendar day in the user's locale ("22 Nov 2026", "Nov 22, 2026"); the input if not a date. */
export function formatDay(day: string | undefined | null, locale?: string, style: 'medium' | 'short' | 'long' = 'medium'): string {
  if (!day) return '';
  const d = parseDay(day);
  if (!d) return day;
  return new Intl.DateTimeFormat(locale, { dateStyle: style, timeZone: 'UTC' }).format(d);
}

/** An instant (ISO 8601) in the user's locale and time zone. */
export function formatInstant(iso: string | undefined | null, locale?: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** A time of day in the user's locale ("14:05"). */
export function formatTime(d: Date, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(d);
}

/** The value for <input type="datetime-local"> at this moment (local time, minutes). */
export function localDateTimeInput(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:${pad(now.getMinutes())}`;
}

/** A datetime-local value (local time) as ISO 8601 UTC without milliseconds, as the API wants. */
export function localInputToUtc(value: string): string | null {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** "2 h", "3 days", "2 weeks" for an aftercare window bound in hours. */
export function formatHours(hours: number): string {
  if (hours === 0) return '0 h';
  if (hours < 48) return `${hours} h`;
  const days = hours / 24;
  if (days % 7 === 0 && days >= 14) return `${days / 7} weeks`;
  return `${Math.round(days * 10) / 10} days`;
}
