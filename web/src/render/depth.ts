// Needle length against a region's skin: the colour and wording of the engine's depth check.
// The reach itself (epidermis / dermis / beyond) is the planning engine's verdict
// (depth_check.nominal_reach); this module only maps it to colours and draws the scale.

import type { DepthCheck } from '../types';

export type DepthLevel = 'epidermis' | 'dermis' | 'dermis-or-beyond' | 'beyond-dermis' | 'unknown';

export interface DepthStyle {
  level: DepthLevel;
  /** CSS class suffix and colour used for the needle bar. */
  colour: string;
  label: string;
}

const STYLES: Record<DepthLevel, DepthStyle> = {
  epidermis: { level: 'epidermis', colour: '#4a7fb5', label: 'within the epidermis' },
  dermis: { level: 'dermis', colour: '#2e8b57', label: 'within the dermis' },
  'dermis-or-beyond': { level: 'dermis-or-beyond', colour: '#c8811a', label: 'may pass the dermis where skin is thin' },
  'beyond-dermis': { level: 'beyond-dermis', colour: '#b83a3a', label: 'beyond the recorded dermis' },
  unknown: { level: 'unknown', colour: '#7a7f87', label: 'no depth check' },
};

/** The style for the engine's nominal reach. */
export function depthStyle(check: Pick<DepthCheck, 'nominal_reach'> | undefined | null): DepthStyle {
  const reach = check?.nominal_reach as DepthLevel | undefined;
  return reach && reach in STYLES ? STYLES[reach] : STYLES.unknown;
}

export interface DepthScale {
  /** Full scale in µm (the deepest of skin maximum and needle, plus headroom). */
  max_um: number;
  /** Fractions 0..1 of the width. */
  epidermis: { from: number; to: number };
  dermis: { from: number; to: number };
  /** Thinnest to thickest recorded skin (epidermis + dermis): where the dermis may end. */
  skinEnd: { from: number; to: number };
  needle: number;
}

/**
 * Positions for a horizontal depth bar: the epidermis band (its range), the dermis band (from the
 * thinnest epidermis to the thickest skin) and the needle tip, all as fractions of the width.
 */
export function depthScale(check: DepthCheck): DepthScale {
  const deepest = Math.max(check.skin_um.max, check.needle_um, 1);
  const max_um = deepest * 1.1;
  const f = (um: number) => Math.min(1, Math.max(0, um / max_um));
  return {
    max_um,
    epidermis: { from: 0, to: f(check.epidermis_um.max) },
    dermis: { from: f(check.epidermis_um.min), to: f(check.skin_um.max) },
    skinEnd: { from: f(check.skin_um.min), to: f(check.skin_um.max) },
    needle: f(check.needle_um),
  };
}

/** Where a length the practitioner typed sits against the engine's range for that region. */
export function lengthAgainstRange(mm: number, range: { min: number; max: number } | undefined): 'below' | 'within' | 'above' | 'unknown' {
  if (!range || !Number.isFinite(mm)) return 'unknown';
  const eps = 1e-9;
  if (mm < range.min - eps) return 'below';
  if (mm > range.max + eps) return 'above';
  return 'within';
}

export interface LengthNote { level: 'ok' | 'warn' | 'info'; text: string }

/**
 * What a needle length typed in a session record means against the plan for that region:
 * the planned length, the indication's evidence range and the region's depth guide, each as the
 * planning engine gave them. Nothing is decided here; lengths outside a range are pointed out.
 */
export function lengthNotes(mm: number, area: { needle_length_mm: { min: number; max: number; planned_range?: { min: number; max: number } };
  device: { length_mm: number }; region_guide_mm?: { min: number; max: number } } | undefined): LengthNote[] {
  if (!area || !Number.isFinite(mm) || mm <= 0) return [];
  const notes: LengthNote[] = [];
  const planned = area.device.length_mm;
  // Longer than the plan allows there: the treatment gate refuses it (needle_length_above_plan).
  const allowed = area.needle_length_mm.planned_range?.max ?? planned;
  notes.push(Math.abs(mm - planned) < 1e-9
    ? { level: 'ok', text: `as planned (${formatMm(planned)})` }
    : mm > allowed + 1e-9
      ? { level: 'warn', text: `longer than the plan allows here (${formatMm(allowed)} at most): the treatment gate refuses it` }
      : { level: 'info', text: `plan: ${formatMm(planned)}` });
  const ind = lengthAgainstRange(mm, area.needle_length_mm);
  if (ind === 'below' || ind === 'above')
    notes.push({ level: 'warn', text: `${ind} the indication’s ${formatRange(area.needle_length_mm)}: outside the evidence the plan cites` });
  if (area.region_guide_mm && lengthAgainstRange(mm, area.region_guide_mm) === 'above')
    notes.push({ level: 'warn', text: `above this region’s depth guide ${formatRange(area.region_guide_mm)}` });
  return notes;
}

/** "0.5–1.0 mm", or "2.5 mm" when both ends agree. */
export function formatRange(r: { min: number; max: number }): string {
  return Math.abs(r.min - r.max) < 1e-9 ? formatMm(r.min) : `${formatMm(r.min).replace(' mm', '')}–${formatMm(r.max)}`;
}

/** "0.25 mm" with up to two decimals, no trailing zeros beyond one. */
export function formatMm(mm: number): string {
  const s = (Math.round(mm * 100) / 100).toFixed(2).replace(/0$/, '');
  return `${s} mm`;
}
