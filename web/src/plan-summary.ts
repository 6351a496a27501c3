// What the plan page puts on top: the warnings merged (a warning that every region repeats is
// said once, naming the regions), the few to show first, and what to change when a simulated
// density is far from its target.

import type { Plan } from './types';

export interface MergedWarning {
  /** The warning; for a merged group whose wording differs by region, what the variants share. */
  text: string;
  /** Region names it applies to; empty for a course-wide warning. */
  regions: string[];
  /** Each region's own wording when the merged warnings differ in more than the region's name. */
  variants: { region: string; text: string }[];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The words two texts start with, cut at a word boundary. */
function commonPrefix(texts: string[]): string {
  let prefix = texts[0] ?? '';
  for (const t of texts.slice(1)) {
    let i = 0;
    while (i < prefix.length && i < t.length && prefix[i] === t[i]) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix.replace(/\s+\S*$/, '').trim();
}

/**
 * The plan's warnings with repeats merged: course warnings first (as given), then region
 * warnings; those that differ between regions only by the region's name and numbers (the same
 * rule applied to each region) become one entry listing the regions, keeping each region's own
 * wording as a variant when it differs. Order: first appearance.
 */
export function mergeWarnings(plan: Pick<Plan, 'warnings' | 'areas'>): MergedWarning[] {
  const out: (MergedWarning & { texts: Set<string> })[] = [];
  const course = new Set<string>();
  const groups = new Map<string, MergedWarning & { texts: Set<string> }>();
  for (const w of plan.warnings) {
    if (course.has(w)) continue;
    course.add(w);
    out.push({ text: w, regions: [], variants: [], texts: new Set([w]) });
  }
  for (const area of plan.areas) {
    for (const w of area.warnings) {
      if (course.has(w)) continue; // the same words as a course warning: said once
      let template = w;
      for (const n of [area.region_name, area.region].filter(Boolean)) template = template.replace(new RegExp(escapeRegExp(n), 'gi'), '{region}');
      const key = template.replace(/\d+(?:[.,]\d+)?/g, '#');
      let g = groups.get(key);
      if (!g) {
        g = { text: w, regions: [], variants: [], texts: new Set() };
        groups.set(key, g);
        out.push(g);
      }
      if (!g.regions.includes(area.region_name)) g.regions.push(area.region_name);
      g.variants.push({ region: area.region_name, text: w });
      g.texts.add(template);
    }
  }
  return out.map(({ texts, ...m }) => {
    if (m.regions.length <= 1) return { ...m, variants: [] };
    // Worded alike apart from the region's name: one sentence for all of them.
    if (texts.size === 1) return { text: [...texts][0].replace(/\{region\}/g, 'the region'), regions: m.regions, variants: [] };
    const shared = commonPrefix(m.variants.map((v) => v.text));
    return { text: shared.length >= 12 ? `${shared} …` : m.variants[0].text, regions: m.regions, variants: m.variants };
  });
}

/**
 * The warnings to show first: course-wide ones, then those that apply to the most regions. An
 * ordering of our own (the knowledge base gives warnings no rank); the full list stays below.
 */
export function topWarnings(merged: MergedWarning[], n = 3): MergedWarning[] {
  const course = merged.filter((m) => m.regions.length === 0);
  const regional = merged.filter((m) => m.regions.length > 0).sort((a, b) => b.regions.length - a.regions.length);
  return [...course, ...regional].slice(0, n);
}

export interface DensityAdvice {
  /** 'low' / 'high' when the mean is outside the target range, else 'ok'. */
  verdict: 'low' | 'ok' | 'high';
  /** How far outside: mean / nearest bound (e.g. 0.4 = 40 % of the minimum). */
  ratio: number;
  /** Passes that would bring the mean to the middle of the target, assuming density grows in proportion to passes. */
  suggested_passes: number;
  message: string;
}

/**
 * What to change when the simulated mean density is outside its target: the number of passes
 * that would reach the middle of the range if density grows in proportion to passes (an
 * assumption of this estimate, stated in the message; overlap makes real growth slower).
 */
export function densityAdvice(mean: number, target: { min: number; max: number }, passes: number): DensityAdvice | null {
  if (!(mean > 0) || !(passes > 0) || !(target.max >= target.min) || !(target.min > 0)) return null;
  const mid = (target.min + target.max) / 2;
  const suggested = Math.max(1, Math.round((passes * mid) / mean));
  if (mean < target.min) {
    const ratio = mean / target.min;
    return {
      verdict: 'low', ratio, suggested_passes: suggested,
      message: `Density is ${Math.round((1 - ratio) * 100)} % below the target's minimum: about ${suggested} passes instead of ${passes} would reach the middle of the range (estimate: density taken as proportional to passes), or choose a device with more needles.`,
    };
  }
  if (mean > target.max) {
    const ratio = mean / target.max;
    return {
      verdict: 'high', ratio, suggested_passes: suggested,
      message: `Density is ${Math.round((ratio - 1) * 100)} % above the target's maximum: about ${suggested} passes instead of ${passes} would reach the middle of the range (estimate: density taken as proportional to passes).`,
    };
  }
  return { verdict: 'ok', ratio: 1, suggested_passes: passes, message: 'Density is within the target range.' };
}
