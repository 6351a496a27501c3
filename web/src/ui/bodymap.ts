// The face and body map: an inline SVG whose clickable shapes are the knowledge base's regions
// (data-region = region id from GET /api/kb/regions). Each region is one focusable checkbox
// (Tab to it, Space or Enter toggles), so the map works without a mouse; regions the knowledge
// base does not list are not drawn.

import { h, s } from './dom';
import type { Region } from '../types';

/** Outline paths per region id, in the face (viewBox 0 0 240 330) or body (0 0 300 330) panel. */
const FACE: Record<string, string[]> = {
  scalp: ['M44,120 C44,40 196,40 196,120 C170,96 70,96 44,120 Z'],
  forehead: ['M50,126 C80,102 160,102 190,126 L186,146 L136,146 L132,152 L108,152 L104,146 L54,146 Z'],
  glabella: ['M108,154 L132,154 L134,172 L106,172 Z'],
  temple: ['M44,128 L52,148 L58,174 L46,178 C41,162 41,144 44,128 Z', 'M196,128 L188,148 L182,174 L194,178 C199,162 199,144 196,128 Z'],
  periorbital: ['M64,172 C70,158 100,156 106,170 C102,186 72,190 64,172 Z', 'M176,172 C170,158 140,156 134,170 C138,186 168,190 176,172 Z'],
  nose: ['M110,174 L130,174 L138,214 C130,224 110,224 102,214 Z'],
  cheek: ['M56,182 C68,194 94,194 102,190 L100,222 L86,236 L62,226 C54,210 53,196 56,182 Z',
    'M184,182 C172,194 146,194 138,190 L140,222 L154,236 L178,226 C186,210 187,196 184,182 Z'],
  perioral: ['M94,226 C104,218 136,218 146,226 L148,248 C136,262 104,262 92,248 Z'],
  chin: ['M96,262 C108,270 132,270 144,262 L142,282 C132,292 108,292 98,282 Z'],
  jawline: ['M62,230 L88,240 L92,262 L96,284 C78,274 66,258 62,230 Z', 'M178,230 L152,240 L148,262 L144,284 C162,274 174,258 178,230 Z'],
  neck: ['M90,294 C104,302 136,302 150,294 L156,326 L84,326 Z'],
};

const BODY: Record<string, string[]> = {
  decollete: ['M56,54 L104,54 L108,86 L52,86 Z'],
  abdomen: ['M54,90 L106,90 L106,142 L54,142 Z'],
  'upper-arm': ['M36,58 L51,56 L49,114 L34,112 Z', 'M109,56 L124,58 L126,112 L111,114 Z'],
  hand: ['M24,176 L40,178 L39,202 L25,200 Z', 'M120,178 L136,176 L135,200 L121,202 Z'],
  thigh: ['M55,148 L78,148 L76,226 L58,226 Z', 'M82,148 L105,148 L102,226 L84,226 Z'],
  back: ['M196,54 L244,54 L246,132 L194,132 Z'],
  buttock: ['M194,136 L219,136 L219,168 L192,168 Z', 'M221,136 L246,136 L248,168 L221,168 Z'],
};

/** Decorative outlines (not regions). */
const FACE_OUTLINE = 'M120,40 C176,40 200,90 198,150 C196,220 170,284 120,292 C70,284 44,220 42,150 C40,90 64,40 120,40 Z';
const BODY_OUTLINE = [
  'M80,10 a16,16 0 1,0 0.1,0 Z', 'M72,40 L88,40 L90,52 L70,52 Z',
  'M50,52 L110,52 L126,58 L128,114 L124,176 L134,176 L138,204 L118,204 L112,118 L108,146 L106,230 L102,316 L86,316 L82,232 L78,232 L74,316 L58,316 L54,230 L52,146 L48,118 L42,204 L22,204 L26,176 L32,114 L34,58 Z',
  'M220,10 a16,16 0 1,0 0.1,0 Z', 'M212,40 L228,40 L230,52 L210,52 Z',
  'M190,52 L250,52 L266,58 L268,114 L264,176 L274,176 L278,204 L258,204 L252,118 L248,170 L246,230 L242,316 L226,316 L222,232 L218,232 L214,316 L198,316 L194,230 L192,170 L188,118 L182,204 L162,204 L166,176 L172,114 L174,58 Z',
];

/** Every region id the map can draw. */
export const MAP_REGION_IDS = [...Object.keys(FACE), ...Object.keys(BODY)];

export interface BodyMapOptions {
  regions: Region[];
  selected?: Iterable<string>;
  /** Called with the new selection after each toggle. */
  onChange?: (selected: string[]) => void;
  /** Fill per region (e.g. the depth colour); regions without one use the selection colours. */
  fills?: Map<string, string>;
  readonly?: boolean;
  label?: string;
}

export interface BodyMap {
  element: HTMLElement;
  selected(): string[];
  setSelected(ids: Iterable<string>): void;
  setFills(fills: Map<string, string>): void;
}

export function createBodyMap(options: BodyMapOptions): BodyMap {
  const known = new Map(options.regions.map((r) => [r.id, r]));
  const chosen = new Set<string>(options.selected ?? []);
  let fills = options.fills ?? new Map<string, string>();
  const groups = new Map<string, SVGGElement>();
  const readonly = !!options.readonly;

  const toggle = (id: string) => {
    if (readonly) return;
    if (chosen.has(id)) chosen.delete(id);
    else chosen.add(id);
    paint();
    options.onChange?.([...chosen]);
  };

  const regionGroup = (id: string, paths: string[]) => {
    const region = known.get(id);
    if (!region) return null;
    const g = s('g', {
      class: 'map-region',
      'data-region': id,
      role: readonly ? 'img' : 'checkbox',
      tabindex: readonly ? null : 0,
      'aria-label': region.name,
    },
    s('title', null, region.name),
    paths.map((d) => s('path', { d })));
    if (!readonly) {
      g.addEventListener('click', () => toggle(id));
      g.addEventListener('keydown', (e) => {
        if (e.key === ' ' || e.key === 'Enter') {
          e.preventDefault();
          toggle(id);
        }
      });
    }
    groups.set(id, g);
    return g;
  };

  const face = s('svg', { viewBox: '0 0 240 330', class: 'map-panel', role: 'group', 'aria-label': 'Face, scalp and neck' },
    s('path', { d: FACE_OUTLINE, class: 'map-outline' }),
    Object.entries(FACE).map(([id, paths]) => regionGroup(id, paths)));
  const body = s('svg', { viewBox: '0 0 300 330', class: 'map-panel', role: 'group', 'aria-label': 'Body, front and back' },
    BODY_OUTLINE.map((d) => s('path', { d, class: 'map-outline' })),
    s('text', { x: 80, y: 328, class: 'map-caption' }, 'front'),
    s('text', { x: 220, y: 328, class: 'map-caption' }, 'back'),
    Object.entries(BODY).map(([id, paths]) => regionGroup(id, paths)));

  const legend = h('div', { class: 'map-legend', 'aria-live': 'polite' });
  const element = h('div', { class: `body-map${readonly ? ' readonly' : ''}`, role: 'group', 'aria-label': options.label ?? 'Regions' },
    h('div', { class: 'map-panels' }, face, body), legend);

  function paint() {
    for (const [id, g] of groups) {
      const on = chosen.has(id);
      g.classList.toggle('selected', on);
      if (!readonly) g.setAttribute('aria-checked', String(on));
      const fill = fills.get(id);
      g.querySelectorAll('path').forEach((p) => {
        if (fill) p.style.fill = fill;
        else p.style.removeProperty('fill');
      });
    }
    const names = [...chosen].map((id) => known.get(id)?.name ?? id);
    legend.textContent = names.length ? names.join(' · ') : readonly ? '' : 'No region chosen: click or press Space on a region.';
  }
  paint();

  return {
    element,
    selected: () => [...chosen],
    setSelected(ids) {
      chosen.clear();
      for (const id of ids) chosen.add(id);
      paint();
    },
    setFills(next) {
      fills = next;
      paint();
    },
  };
}
