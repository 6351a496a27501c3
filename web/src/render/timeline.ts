// Layout for the course timeline (dated sessions, preparation, assessment) and the aftercare
// timeline (hours after a session). Pure: returns positions; ui/ draws them.

import { daysBetween, formatHours } from '../dates';
import type { AftercareItem, PlannedSession, PreparationTask } from '../types';

export interface CourseMark {
  kind: 'session' | 'preparation' | 'assessment';
  label: string;
  date: string;
  /** Latest date, for a session's window. */
  latest?: string;
  optional?: boolean;
  /** Position of date (and latest) as a fraction 0..1 of the axis. */
  x: number;
  x2?: number;
}

export interface CourseLayout {
  start: string;
  end: string;
  days: number;
  marks: CourseMark[];
}

/**
 * Puts every dated item of a plan on one axis from the earliest date to the latest. Sessions span
 * their window (date .. latest_date).
 */
export function layoutCourse(sessions: PlannedSession[], preparation: PreparationTask[], assessmentDate?: string): CourseLayout | null {
  const dates: string[] = [];
  for (const s of sessions) dates.push(s.date, s.latest_date || s.date);
  for (const p of preparation) dates.push(p.due);
  if (assessmentDate) dates.push(assessmentDate);
  const valid = dates.filter((d) => Number.isFinite(daysBetween(d, d))).sort();
  if (valid.length === 0) return null;
  const start = valid[0];
  const end = valid[valid.length - 1];
  const days = Math.max(1, daysBetween(start, end));
  const x = (d: string) => daysBetween(start, d) / days;
  const marks: CourseMark[] = [];
  for (const p of preparation)
    marks.push({ kind: 'preparation', label: p.task, date: p.due, x: x(p.due) });
  for (const s of sessions)
    marks.push({ kind: 'session', label: `Session ${s.number}`, date: s.date, latest: s.latest_date, optional: !!s.optional,
      x: x(s.date), x2: x(s.latest_date || s.date) });
  if (assessmentDate) marks.push({ kind: 'assessment', label: 'Outcome assessment', date: assessmentDate, x: x(assessmentDate) });
  marks.sort((a, b) => a.x - b.x || order(a.kind) - order(b.kind));
  return { start, end, days, marks };
}

function order(kind: CourseMark['kind']): number {
  return kind === 'preparation' ? 0 : kind === 'session' ? 1 : 2;
}

/** Hours shown at the aftercare axis ticks. */
export const AFTERCARE_TICKS_H = [0, 24, 48, 168, 336, 672];

/** A compressed time axis: the first days get room, weeks still fit (log scale of 1 + hours). */
export function hoursToX(hours: number, maxHours: number): number {
  if (maxHours <= 0) return 0;
  return Math.min(1, Math.max(0, Math.log1p(Math.max(0, hours)) / Math.log1p(maxHours)));
}

export interface AftercareBar {
  id: string;
  instruction: string;
  from: number;
  /** Where the bar ends: the axis end for an open-ended item, `from` (no bar) for a vague end. */
  to: number;
  open: boolean;
  from_hours: number;
  to_hours?: number;
  /** The source's words for an end without a number: shown as words, never drawn as a length. */
  vague_end?: string;
  /** When it applies, in words: "for 24 h after the session", "from the session, for a few days (the source gives no number)". */
  when: string;
}

/**
 * When an aftercare instruction applies, in words: its hours; for an open-ended one the source's
 * words for its end if it has some, else that no end is given (never an invented end).
 */
export function aftercareWhen(item: Pick<AftercareItem, 'from_hours' | 'to_hours' | 'open_ended' | 'vague_end'>): string {
  const from = item.from_hours === 0 ? 'from the session' : `from ${formatHours(item.from_hours)} after`;
  if (item.open_ended && item.vague_end) return `${from}, ${item.vague_end} (the source gives no number)`;
  if (item.open_ended) return `${from}, no end given`;
  const to = formatHours(item.to_hours ?? item.from_hours);
  return item.from_hours === 0 ? `for ${to} after the session` : `${formatHours(item.from_hours)} to ${to} after the session`;
}

/**
 * One bar per aftercare instruction on a shared axis; open-ended ones run to the end, except
 * one whose source words its end vaguely: it starts and has no bar (its words say how long).
 */
export function layoutAftercare(items: AftercareItem[]): { maxHours: number; bars: AftercareBar[]; ticks: { hours: number; x: number }[] } {
  const longest = Math.max(48, ...items.map((i) => (i.open_ended ? i.from_hours : i.to_hours ?? i.from_hours)));
  const maxHours = AFTERCARE_TICKS_H.find((t) => t >= longest * 1.05) ?? longest * 1.2;
  const bars = items
    .map((i) => {
      const from = hoursToX(i.from_hours, maxHours);
      const vague = i.open_ended && i.vague_end ? i.vague_end : undefined;
      return {
        id: i.id,
        instruction: i.instruction,
        from,
        to: vague ? from : i.open_ended ? 1 : hoursToX(i.to_hours ?? i.from_hours, maxHours),
        open: !!i.open_ended,
        from_hours: i.from_hours,
        to_hours: i.to_hours,
        ...(vague ? { vague_end: vague } : {}),
        when: aftercareWhen(i),
      };
    })
    .sort((a, b) => a.from - b.from || a.to - b.to);
  const ticks = AFTERCARE_TICKS_H.filter((h) => h <= maxHours).map((h) => ({ hours: h, x: hoursToX(h, maxHours) }));
  return { maxHours, bars, ticks };
}
