// The simulation of the planned technique (POST /api/simulate) beside the plan: the puncture
// density map the engine returns (drawn as the CLI's heat map), density against the target,
// coverage, real depth against the region's skin, gaps.

import type { App } from '../app';
import { ApiError } from '../api';
import { field, h, s, select, sourcesLine, supportNotice } from '../ui/dom';
import { densityMapFigure } from '../ui/heatmap';
import type { Plan } from '../types';
import { densityAdvice } from '../plan-summary';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DIRECTIONS: [string, string][] = [['h', 'horizontal'], ['v', 'vertical'], ['d1', 'diagonal ↗'], ['d2', 'diagonal ↘']];

export function simulationPanel(app: App, plan: Plan): HTMLElement {
  const region = select(plan.areas.map((a) => [a.region, a.region_name] as [string, string]), plan.areas[0]?.region ?? '', { id: 'sim-region' });
  const passes = h('input', { type: 'number', min: 1, max: 40, value: String(plan.passes.count.min), id: 'sim-passes' });
  const pressure = select([['', 'region default'], ['light', 'light'], ['medium', 'medium'], ['firm', 'firm']], '', { id: 'sim-pressure' });
  const dirBoxes = DIRECTIONS.map(([v, label]) => {
    const id = `sim-dir-${v}`;
    return { v, el: h('span', { class: 'chip-check' }, h('input', { type: 'checkbox', id, value: v, checked: true }), h('label', { for: id }, label)) };
  });
  const out = h('div', { class: 'sim-out', 'aria-live': 'polite' });
  const run = h('button', { type: 'submit', class: 'small' }, 'Simulate');
  const form = h('form', { class: 'sim-form' },
    field('Region', region), field('Passes', passes), field('Pressure', pressure),
    h('div', { class: 'field wide' }, h('span', { class: 'label' }, 'Directions'), h('div', { class: 'chips-select' }, dirBoxes.map((d) => d.el))),
    h('div', { class: 'actions wide' }, run));

  const simulate = async () => {
    const area = plan.areas.find((a) => a.region === region.value);
    if (!area) return;
    const directions = dirBoxes.filter((d) => d.el.querySelector('input')!.checked).map((d) => d.v);
    out.replaceChildren(h('p', { class: 'muted' }, 'Simulating…'));
    try {
      const result = await app.api.simulate({
        device: area.device.id,
        needle_length_mm: plan.device.kind === 'roller' ? undefined : area.device.length_mm,
        region: area.region,
        passes: Number(passes.value) || plan.passes.count.min,
        directions: directions.length ? directions : undefined,
        pressure: (pressure.value || undefined) as 'light' | 'medium' | 'firm' | undefined,
        seed: 1,
      });
      out.replaceChildren(simulationResult(result as Json, Number(passes.value) || plan.passes.count.min));
    } catch (e) {
      out.replaceChildren(h('p', { class: 'field-error', role: 'alert' }, e instanceof ApiError ? e.message : String(e)));
    }
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); void simulate(); });
  region.addEventListener('change', () => void simulate());
  if (plan.areas.length) void simulate();
  return h('section', { class: 'panel sim', 'aria-labelledby': 'sim-title' },
    h('h2', { id: 'sim-title' }, 'Simulation of the technique'),
    h('p', { class: 'muted small' }, 'One 2 × 2 cm patch of the region, seed 1; the same input gives the same answer.'),
    form, out,
    supportNotice('A model of the technique on average skin of the region, to support a qualified practitioner’s choice of device and passes; real penetration varies with the patient and the hand.'));
}

const pct = (v: number | undefined) => (typeof v === 'number' ? `${(v * 100).toFixed(v < 0.1 ? 1 : 0)} %` : '—');
const num = (v: number | undefined, digits = 0) => (typeof v === 'number' ? v.toFixed(digits) : '—');

/** The numbers of one simulation, and its depth against the skin. */
export function simulationResult(r: Json, passes?: number): HTMLElement {
  const density = r.density_per_cm2 ?? {};
  const depth = r.depth_um ?? {};
  const reg = r.region ?? {};
  const target = density.target;
  const advice = target && passes ? densityAdvice(density.mean, target, passes) : null;
  return h('div', { class: 'sim-result' },
    advice && advice.verdict !== 'ok' ? h('p', { class: `sim-advice advice-${advice.verdict}`, role: 'note', id: 'sim-advice' }, advice.message) : null,
    densityMapFigure(r),
    h('dl', { class: 'facts tight' },
      h('dt', null, 'Punctures'), h('dd', null, `${num(r.punctures)} (${num(r.channels)} channels)`),
      h('dt', null, 'Density'), h('dd', null, `${num(density.mean, 1)} /cm²`,
        target ? h('span', { class: 'muted' }, ` · target ${target.min}–${target.max} (${target.source})`) : null),
      h('dt', null, 'Skin punctured'), h('dd', null, pct(r.punctured_fraction?.value)),
      h('dt', null, 'Largest gap'), h('dd', null, `${num(r.largest_gap_mm ?? r.largest_gap?.value_mm, 2)} mm`),
      h('dt', null, 'Real depth'), h('dd', null, `median ${num(depth.p50)} µm (10–90 %: ${num(depth.p10)}–${num(depth.p90)}) of ${num(depth.nominal)} µm nominal`),
      h('dt', null, 'Reach the dermis or deeper'), h('dd', null, pct(r.dermis_reach_fraction))),
    depthDistribution(depth, reg),
    classBar(r.depth_class_fraction ?? {}),
    Array.isArray(r.warnings) && r.warnings.length ? h('ul', { class: 'warnings small' }, r.warnings.map((w: string) => h('li', null, w))) : null,
    Array.isArray(r.assumptions) ? h('details', null, h('summary', null, 'Assumptions'), h('ul', { class: 'small' }, r.assumptions.map((a: string) => h('li', null, a)))) : null,
    h('div', { class: 'small' }, sourcesLine(r.sources)));
}

/** Real depth p10..p90 and median against the epidermis and dermis of the region. */
function depthDistribution(depth: Json, reg: Json): SVGSVGElement | null {
  const [eMin, eMax] = Array.isArray(reg.epidermis_um) ? reg.epidermis_um : [0, 0];
  const [dMin, dMax] = Array.isArray(reg.dermis_um) ? reg.dermis_um : [0, 0];
  if (typeof depth.p50 !== 'number') return null;
  const maxUm = Math.max(eMax + dMax, depth.nominal ?? 0, depth.p90 ?? 0) * 1.08;
  const W = 300;
  const x = (um: number) => 4 + (um / maxUm) * (W - 8);
  return s('svg', { viewBox: `0 0 ${W} 52`, class: 'depth-bar', role: 'img', 'aria-label': `Real depth median ${Math.round(depth.p50)} µm against the skin` },
    s('rect', { x: x(eMin), y: 6, width: x(eMax + dMax) - x(eMin), height: 12, class: 'band-dermis' }),
    s('rect', { x: x(0), y: 6, width: x(eMax) - x(0), height: 12, class: 'band-epidermis' }),
    s('rect', { x: x(eMin + dMin), y: 6, width: Math.max(0, x(eMax + dMax) - x(eMin + dMin)), height: 12, class: 'band-uncertain' }),
    s('rect', { x: x(depth.p10), y: 24, width: Math.max(2, x(depth.p90) - x(depth.p10)), height: 8, class: 'sim-range' }),
    s('line', { x1: x(depth.p50), x2: x(depth.p50), y1: 21, y2: 35, class: 'sim-median' }),
    typeof depth.nominal === 'number' ? s('line', { x1: x(depth.nominal), x2: x(depth.nominal), y1: 2, y2: 38, class: 'sim-nominal' }) : null,
    s('text', { x: 4, y: 49, class: 'axis' }, 'skin surface'),
    s('text', { x: W - 4, y: 49, class: 'axis', 'text-anchor': 'end' }, `${Math.round(maxUm)} µm`));
}

function classBar(f: Json): HTMLElement | null {
  const parts: [string, string][] = [['epidermis', '#9ec1e0'], ['papillary_dermis', '#8fcfa6'], ['reticular_dermis', '#3f9b68'], ['beyond_dermis', '#b83a3a']];
  const total = parts.reduce((a, [k]) => a + (typeof f[k] === 'number' ? f[k] : 0), 0);
  if (!total) return null;
  return h('div', { class: 'class-bar-wrap' },
    h('div', { class: 'class-bar', role: 'img', 'aria-label': parts.map(([k]) => `${k.replace('_', ' ')} ${pct(f[k])}`).join(', ') },
      parts.map(([k, colour]) => (f[k] > 0 ? h('span', { style: { width: `${(f[k] / total) * 100}%`, background: colour }, title: `${k.replace('_', ' ')}: ${pct(f[k])}` }) : null))),
    h('div', { class: 'legend small' }, parts.map(([k, colour]) => h('span', { class: 'legend-item' }, h('span', { class: 'key', style: { background: colour } }), `${k.replace('_', ' ')} ${pct(f[k])}`))));
}
