// The practice outcomes report (GET /api/outcomes, docs/outcomes.md) for the page: its filters
// as the page's address (so a view can be bookmarked), the figures as text with n beside them
// ("too few" for a withheld cell, never a number), and the layouts of its two charts (score
// change by follow-up week with intervals per cohort; adverse events per 100 sessions by
// device). Pure: no DOM.

export interface Withheld { suppressed: true; reason: string }
export interface MeanShown { suppressed: false; n: number; patients: number; mean: number; sd: number; ci: [number, number] | null }
export interface RateShown {
  suppressed: false; n: number; patients: number; count: number; rate: number; ci: [number, number] | null;
  per_100?: number; per_100_ci?: [number, number] | null;
}
export type Mean = MeanShown | Withheld;
export type Rate = RateShown | Withheld;

export interface FollowUpWindow { from: 'first-session' | 'last-session'; week: number; days: [number, number] }
export interface FollowUp { window: FollowUpWindow; change: Mean; score: Mean; responders: Rate | null }
export interface ScaleOutcome {
  scale: string; name: string; better: 'lower' | 'higher';
  responder_threshold: { improvement: number; sources: string[] } | null;
  baseline: Mean; follow_ups: FollowUp[];
}
export interface LiteratureComparison {
  result: string; kind: 'mean_change' | 'responders' | 'adverse_event'; study: string; sources: string[];
  measure: string; timepoint: string; window: FollowUpWindow | null;
  practice: Mean | Rate | { suppressed: false; n: 0; note: string };
  published: { estimate: number; ci: [number, number] | null; level: number; n: number; derived: boolean; assumption: string | null };
  overlap: boolean | null;
  protocol: { aspect: string; practice: string; study: string }[];
}
export interface CohortShown {
  key: Record<string, string>; suppressed: false; indication: string | null; courses: number; patients: number;
  completed: Rate; abandoned: Rate; ongoing: number; days_to_assessment: Mean; median_days_to_assessment: number | null;
  adverse_event_sessions: Rate;
  protocol: { needle_length_mm: { min: number; max: number; mean: number }; sessions: { min: number; max: number; mean: number };
    median_interval_days: number | null; device_kinds: string[] };
  scales: ScaleOutcome[]; literature: LiteratureComparison[];
  literature_notes: { result: string; study: string; sources: string[]; summary: string }[]; also_published: string[];
}
export interface CohortWithheld { key: Record<string, string>; suppressed: true; reason: string }
export type Cohort = CohortShown | CohortWithheld;
export interface EventRate { category: string; rate: Rate; events?: number; vs_rest?: { difference: number; ci: [number, number] | null } | null; flagged?: boolean }

export interface OutcomesReport {
  notice: string;
  report: { group_by: string[]; indications: string[]; scale: string | null; from: string | null; to: string | null; as_of: string;
    min_cell_patients: number; confidence: number };
  knowledge_version: string;
  definitions: string[];
  comparisons: string[];
  totals: { courses: number; patients: number; sessions: number; courses_without_sessions: number; scores_on_unknown_scales: number };
  cohorts: Cohort[];
  adverse_events: { sessions: number; events: number; events_without_session: number; any: Rate;
    by_type: EventRate[]; by_severity: EventRate[]; by_device: EventRate[]; by_lot: EventRate[]; lots_compared: number };
  needle_length: { indication: string; scale: string; window: FollowUpWindow; band: string; reference_band: string;
    band_change: Mean; reference_change: Mean; suppressed: boolean; difference?: number; ci?: [number, number] | null }[];
}

// ---- filters in the address --------------------------------------------------------------

export interface OutcomeFilters {
  by: string[];          // dimensions, in order
  indication: string;    // one indication id, or '' for all
  scale: string;         // '' for every scale
  from: string;
  to: string;
  minCell: number;
}

export const DIMENSIONS = ['indication', 'region', 'device', 'needle-length', 'sessions', 'interval', 'fitzpatrick', 'sex', 'age',
  'practitioner', 'period'] as const;
export const DEFAULT_MIN_CELL = 5;
export const SMALLEST_MIN_CELL = 3;

export function defaultFilters(): OutcomeFilters {
  return { by: ['indication'], indication: '', scale: '', from: '', to: '', minCell: DEFAULT_MIN_CELL };
}

/** The filters of "by=indication,device&scale=...": unknown dimensions and parameters are dropped,
 *  a minimum under 3 is raised to 3 (the server refuses it anyway). */
export function parseFilters(queryString: string): OutcomeFilters {
  const f = defaultFilters();
  const params = new URLSearchParams(queryString.replace(/^\?/, ''));
  const by = (params.get('by') ?? '').split(',').map((d) => d.trim()).filter((d) => (DIMENSIONS as readonly string[]).includes(d));
  if (by.length) f.by = [...new Set(by)];
  f.indication = params.get('indication') ?? '';
  f.scale = params.get('scale') ?? '';
  const date = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : '');
  f.from = date(params.get('from'));
  f.to = date(params.get('to'));
  const min = Number(params.get('min_cell'));
  if (params.has('min_cell') && Number.isInteger(min)) f.minCell = Math.max(SMALLEST_MIN_CELL, min);
  return f;
}

/** The API's (and the address's) query for the filters, defaults left out: "?by=indication,device&min_cell=6". */
export function filtersQuery(f: OutcomeFilters): string {
  const params = new URLSearchParams();
  if (f.by.length && !(f.by.length === 1 && f.by[0] === 'indication')) params.set('by', f.by.join(','));
  if (f.indication) params.set('indication', f.indication);
  if (f.scale) params.set('scale', f.scale);
  if (f.from) params.set('from', f.from);
  if (f.to) params.set('to', f.to);
  if (f.minCell !== DEFAULT_MIN_CELL) params.set('min_cell', String(f.minCell));
  const text = params.toString().replace(/%2C/g, ',');
  return text ? `?${text}` : '';
}

// ---- figures as text --------------------------------------------------------------------------

export const TOO_FEW = 'too few';

const number = (v: number, digits: number) => {
  const text = v.toFixed(digits);
  return (text.startsWith('-') ? '−' + text.slice(1) : text).replace(/^−(0\.?0*)$/, '$1');
};
const signed = (v: number, digits: number) => (v > 0 ? '+' : '') + number(v, digits);

/** "−1.50 (95% CI −1.92 to −1.08)", or "too few". */
export function meanText(m: Mean, digits = 2, level = 0.95): string {
  if (m.suppressed) return TOO_FEW;
  const ci = m.ci ? ` (${Math.round(level * 100)}% CI ${signed(m.ci[0], digits)} to ${signed(m.ci[1], digits)})` : '';
  return `${signed(m.mean, digits)}${ci}`;
}

/** "12.5% (8.1 to 18.7)", per 100 sessions with `per100`, or "too few". */
export function rateText(r: Rate, per100 = false): string {
  if (r.suppressed) return TOO_FEW;
  const scale = 100;
  const unit = per100 ? ' per 100' : '%';
  const ci = r.ci ? ` (${number(r.ci[0] * scale, 1)} to ${number(r.ci[1] * scale, 1)})` : '';
  return `${number(r.rate * scale, 1)}${unit}${ci}`;
}

/** "n = 6" beside a figure (courses or sessions), or "" for a withheld one. */
export function nText(f: Mean | Rate): string {
  return f.suppressed ? '' : `n = ${f.n}`;
}

/** "acne-scars · up to 0.5 mm": a cohort's key in the order grouped, names looked up. */
export function cohortLabel(c: Cohort, groupBy: string[], name: (dimension: string, value: string) => string = (_d, v) => v): string {
  return groupBy.map((d) => name(d, c.key[d] ?? '')).join(' · ');
}

// ---- chart layouts ----------------------------------------------------------------------------

export interface Box { width: number; height: number; left: number; right: number; top: number; bottom: number }

export interface TrajectoryPoint { week: number; x: number; y: number; yLow: number | null; yHigh: number | null; mean: number; n: number }
export interface Trajectory { label: string; suppressed: boolean; points: TrajectoryPoint[] }
export interface TrajectoryLayout {
  scale: string;
  scaleName: string;
  better: 'lower' | 'higher';
  series: Trajectory[];       // shown cohorts with data on the scale
  withheld: string[];         // cohorts given as "too few"
  xTicks: { x: number; week: number }[];
  yTicks: { y: number; value: number }[];
  zeroY: number;
}

/** The scale to chart: the one asked for, else the scale with most courses in shown cohorts. */
export function chartScale(report: OutcomesReport): string {
  if (report.report.scale) return report.report.scale;
  const courses = new Map<string, number>();
  for (const c of report.cohorts) {
    if (c.suppressed) continue;
    for (const s of c.scales) courses.set(s.scale, (courses.get(s.scale) ?? 0) + (s.baseline.suppressed ? 0 : s.baseline.n));
  }
  let best = '';
  for (const [scale, n] of courses) if (!best || n > (courses.get(best) ?? 0)) best = scale;
  return best;
}

/** Mean change from baseline by week after the first session, with intervals, per cohort. */
export function layoutTrajectories(report: OutcomesReport, scale: string, box: Box,
  label: (c: Cohort) => string = (c) => cohortLabel(c, report.report.group_by)): TrajectoryLayout {
  const series: Trajectory[] = [];
  const withheld: string[] = [];
  let scaleName = scale;
  let better: 'lower' | 'higher' = 'lower';
  const raw: { label: string; points: { week: number; mean: number; low: number | null; high: number | null; n: number }[] }[] = [];
  for (const c of report.cohorts) {
    if (c.suppressed) { withheld.push(label(c)); continue; }
    const s = c.scales.find((x) => x.scale === scale);
    if (!s) continue;
    scaleName = s.name;
    better = s.better;
    const points = [{ week: 0, mean: 0, low: null as number | null, high: null as number | null, n: s.baseline.suppressed ? 0 : s.baseline.n }];
    for (const f of s.follow_ups) {
      if (f.window.from !== 'first-session' || f.change.suppressed) continue;
      points.push({ week: f.window.week, mean: f.change.mean, low: f.change.ci?.[0] ?? null, high: f.change.ci?.[1] ?? null, n: f.change.n });
    }
    if (points.length > 1) raw.push({ label: label(c), points });
  }
  const weeks = [0, 4, 8, 12, 26, 52];
  const maxWeek = Math.max(12, ...raw.flatMap((r) => r.points.map((p) => p.week)));
  const values = raw.flatMap((r) => r.points.flatMap((p) => [p.mean, p.low ?? p.mean, p.high ?? p.mean]));
  let lo = Math.min(0, ...values);
  let hi = Math.max(0, ...values);
  if (hi - lo < 1) { lo -= 0.5; hi += 0.5; }
  const plotW = box.width - box.left - box.right;
  const plotH = box.height - box.top - box.bottom;
  const x = (week: number) => box.left + (week / maxWeek) * plotW;
  const y = (v: number) => box.top + (1 - (v - lo) / (hi - lo)) * plotH;
  for (const r of raw)
    series.push({ label: r.label, suppressed: false, points: r.points.map((p) => ({ week: p.week, x: x(p.week), y: y(p.mean),
      yLow: p.low === null ? null : y(p.low), yHigh: p.high === null ? null : y(p.high), mean: p.mean, n: p.n })) });
  const step = hi - lo > 6 ? 2 : hi - lo > 3 ? 1 : 0.5;
  const yTicks: { y: number; value: number }[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) yTicks.push({ value: Math.round(v * 100) / 100, y: y(v) });
  return { scale, scaleName, better, series, withheld, xTicks: weeks.filter((w) => w <= maxWeek).map((week) => ({ week, x: x(week) })),
    yTicks, zeroY: y(0) };
}

export interface EventBar { label: string; suppressed: boolean; per100: number; low: number; high: number; sessions: number;
  x: number; width: number; xLow: number; xHigh: number; y: number }

/** Adverse events per 100 sessions by device, with intervals; withheld devices as "too few" rows. */
export function layoutEventBars(report: OutcomesReport, box: Box, rowHeight = 26): { bars: EventBar[]; max: number; height: number } {
  const rows = report.adverse_events.by_device;
  const shown = rows.flatMap((r) => (r.rate.suppressed ? [] : [(r.rate.ci?.[1] ?? r.rate.rate) * 100]));
  const max = Math.max(5, Math.ceil(Math.max(0, ...shown) / 5 - 1e-9) * 5);
  const plotW = box.width - box.left - box.right;
  const x = (v: number) => box.left + (v / max) * plotW;
  const bars = rows.map((r, i) => {
    const y = box.top + i * rowHeight;
    if (r.rate.suppressed) return { label: r.category, suppressed: true, per100: 0, low: 0, high: 0, sessions: 0, x: box.left, width: 0, xLow: 0, xHigh: 0, y };
    const per100 = r.rate.rate * 100;
    const low = (r.rate.ci?.[0] ?? r.rate.rate) * 100;
    const high = (r.rate.ci?.[1] ?? r.rate.rate) * 100;
    return { label: r.category, suppressed: false, per100, low, high, sessions: r.rate.n, x: box.left, width: x(per100) - box.left,
      xLow: x(low), xHigh: x(high), y };
  });
  return { bars, max, height: box.top + rows.length * rowHeight + box.bottom };
}
