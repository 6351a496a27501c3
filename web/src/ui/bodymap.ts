// The face and body map: an anatomical drawing (a face from the front; a body from the front
// and from the back) whose regions are the knowledge base's regions (data-region = region id
// from GET /api/kb/regions). Each region is one focusable checkbox (Tab to it, Space or Enter
// toggles), so the map works without a mouse; each carries a visible label, and a wide
// transparent edge makes small regions easy to hit on a tablet. A selected region is outlined
// and ticked, so the selection stays readable when a fill (the depth colour) is painted on it.
// Regions the knowledge base does not list are not drawn.

import { h, s } from './dom';
import type { Region } from '../types';

/** A path's x coordinates mirrored about x = axis (paths use absolute "x,y" pairs only). */
function mirror(d: string, axis: number): string {
  return d.replace(/(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)/g, (_, x, y) => `${2 * axis - Number(x)},${y}`);
}
/** A path moved right by dx. */
function shift(d: string, dx: number): string {
  return d.replace(/(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)/g, (_, x, y) => `${Number(x) + dx},${y}`);
}
const both = (left: string, axis: number) => [left, mirror(left, axis)];

// ---- the face, from the front (viewBox 0 0 300 330; the midline is x = 150)
const FX = 150;
const FACE_OUTLINE = 'M150,28 C198,28 226,62 228,120 C230,150 226,178 220,204 C212,240 190,276 150,292 C110,276 88,240 80,204 C74,178 70,150 72,120 C74,62 102,28 150,28 Z';
const FACE_DECOR = [
  ...both('M74,150 C60,146 58,176 66,190 C70,196 76,196 78,190', FX), // ears
  ...both('M96,130 C110,122 126,122 136,128', FX), // brows
  ...both('M102,152 C108,145 124,145 130,152 C124,158 108,158 102,152 Z', FX), // eyes
  'M140,214 C144,218 148,218 150,216 C152,218 156,218 160,214', // nostrils
  'M136,240 C144,236 156,236 164,240 C156,246 144,246 136,240 Z', // lips
];
const FACE: Record<string, string[]> = {
  neck: ['M116,284 C126,292 138,296 150,296 C162,296 174,292 184,284 L190,326 L110,326 Z'],
  scalp: ['M72,118 C72,60 102,28 150,28 C198,28 228,60 228,118 C222,104 214,92 200,84 C182,76 118,76 100,84 C86,92 78,104 72,118 Z'],
  forehead: ['M94,98 C108,84 126,80 150,80 C174,80 192,84 206,98 L208,132 C192,126 176,126 162,132 L138,132 C124,126 108,126 92,132 Z'],
  glabella: ['M138,135 L162,135 C161,145 160,153 158,160 L142,160 C140,153 139,145 138,135 Z'],
  temple: both('M74,120 C80,110 86,104 92,102 L92,136 C90,150 90,162 92,174 L78,178 C74,160 72,140 74,120 Z', FX),
  periorbital: both('M94,152 C94,136 138,136 138,152 C138,168 94,168 94,152 Z', FX),
  nose: ['M142,163 L158,163 C160,180 164,196 170,208 C170,218 162,224 150,224 C138,224 130,218 130,208 C136,196 140,180 142,163 Z'],
  cheek: both('M80,180 C90,170 114,168 136,168 C132,186 128,204 126,216 L116,232 C102,236 92,232 86,226 C82,212 80,196 80,180 Z', FX),
  perioral: ['M126,226 C134,220 166,220 174,226 C180,236 180,250 172,258 C164,264 136,264 128,258 C120,250 120,236 126,226 Z'],
  chin: ['M130,265 C140,269 160,269 170,265 C172,275 168,283 162,287 C156,291 144,291 138,287 C132,283 128,275 130,265 Z'],
  jawline: both('M80,204 C88,240 110,276 134,288 L138,280 C128,274 124,262 122,256 L116,234 C104,238 92,232 86,226 Z', FX),
};
/** Where each face label goes: [x, y] of the text and, for labels outside the face, the point it names. */
const FACE_LABELS: Record<string, { at: [number, number]; to?: [number, number]; anchor?: 'start' | 'end' | 'middle' }> = {
  scalp: { at: [150, 56] },
  forehead: { at: [150, 110] },
  glabella: { at: [246, 118], to: [156, 146], anchor: 'start' },
  temple: { at: [54, 132], to: [82, 140], anchor: 'end' },
  periorbital: { at: [54, 160], to: [98, 156], anchor: 'end' },
  nose: { at: [150, 206] },
  cheek: { at: [54, 196], to: [96, 198], anchor: 'end' },
  perioral: { at: [246, 248], to: [176, 244], anchor: 'start' },
  chin: { at: [150, 282] },
  jawline: { at: [54, 246], to: [94, 240], anchor: 'end' },
  neck: { at: [150, 316] },
};

// ---- the body, from the front (midline x = 80) and from the back (midline x = 240)
const BX = 80;
const BACK_DX = 160;
const BODY_SILHOUETTE =
  'M74,38 L74,46 C65,49 51,50 45,54 C39,58 37,66 37,76 L35,118 C34,140 33,160 31,178 C28,190 27,202 31,210 C35,214 41,212 42,204 ' +
  'L45,180 C47,160 49,140 51,120 L53,100 C54,118 53,138 51,156 C49,176 51,200 55,232 L59,300 C60,320 59,336 57,346 L69,348 ' +
  'C71,336 73,320 73,300 L77,232 L80,190 L83,232 L87,300 C87,320 89,336 91,348 L103,346 C101,336 100,320 101,300 L105,232 ' +
  'C109,200 111,176 109,156 C107,138 106,118 107,100 L109,120 C111,140 113,160 115,180 L118,204 C119,212 125,214 129,210 ' +
  'C133,202 132,190 129,178 C127,160 126,140 125,118 L123,76 C123,66 121,58 115,54 C109,50 95,49 86,46 L86,38 Z';
const HEAD = (cx: number) => `M${cx},8 C${cx + 9},8 ${cx + 15},15 ${cx + 15},24 C${cx + 15},33 ${cx + 9},40 ${cx},40 C${cx - 9},40 ${cx - 15},33 ${cx - 15},24 C${cx - 15},15 ${cx - 9},8 ${cx},8 Z`;
const BODY_DECOR = [
  'M80,58 L80,90', 'M72,136 C76,140 84,140 88,136', // sternum, navel
  shift('M240,60 L240,140', 0), // spine
];
const BODY: Record<string, string[]> = {
  decollete: ['M60,56 C70,52 90,52 100,56 L104,88 C94,92 66,92 56,88 Z'],
  abdomen: ['M56,93 C68,97 92,97 104,93 L106,142 C96,150 64,150 54,142 Z'],
  'upper-arm': both('M39,62 C43,57 49,56 53,60 L53,100 L51,120 L35,118 L37,76 C37,70 38,65 39,62 Z', BX),
  thigh: both('M55,172 L78,174 L77,232 L75,264 L58,264 L56,232 C53,210 52,190 55,172 Z', BX),
  back: [shift('M61,56 C71,52 89,52 99,56 L106,100 L106,140 C96,146 64,146 54,140 L54,100 Z', BACK_DX)],
  buttock: both(shift('M54,146 C64,150 76,151 79,151 L79,190 C69,194 59,192 53,186 C51,174 51,158 54,146 Z', BACK_DX), BX + BACK_DX),
  hand: both(shift('M30,182 L45,182 L43,204 C42,212 37,216 32,214 C28,210 28,196 30,182 Z', BACK_DX), BX + BACK_DX),
};
const BODY_LABELS: Record<string, { at: [number, number]; rotate?: boolean; to?: [number, number]; anchor?: 'start' | 'end' | 'middle' }> = {
  decollete: { at: [80, 76] },
  abdomen: { at: [80, 124] },
  'upper-arm': { at: [45, 90], rotate: true },
  thigh: { at: [66, 220], rotate: true },
  back: { at: [240, 104] },
  buttock: { at: [240, 174] },
  hand: { at: [197, 228] },
};

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

/** A short label for the drawing ("Cheek (including zygoma)" -> "Cheek"). */
export function shortRegionName(name: string): string {
  return name.replace(/\s*\(.*\)\s*$/, '').replace(/\s*\/.*$/, '').replace(/^Dorsum of hand$/, 'Hand');
}

export function createBodyMap(options: BodyMapOptions): BodyMap {
  const known = new Map(options.regions.map((r) => [r.id, r]));
  const chosen = new Set<string>(options.selected ?? []);
  let fills = options.fills ?? new Map<string, string>();
  const groups = new Map<string, SVGGElement>();
  const labels = new Map<string, SVGTextElement>();
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
    // The wide transparent edge widens the target of small regions (glabella, hand) for a finger.
    readonly ? null : paths.map((d) => s('path', { d, class: 'map-hit' })),
    paths.map((d) => s('path', { d, class: 'map-shape' })));
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

  const label = (id: string, spec: { at: [number, number]; to?: [number, number]; rotate?: boolean; anchor?: string }) => {
    const region = known.get(id);
    if (!region) return null;
    const [x, y] = spec.at;
    const text = s('text', {
      x, y, class: 'map-label', 'text-anchor': spec.anchor ?? 'middle', 'aria-hidden': 'true',
      transform: spec.rotate ? `rotate(-90 ${x} ${y})` : null,
    }, shortRegionName(region.name));
    labels.set(id, text);
    const leader = spec.to ? s('line', { x1: spec.anchor === 'end' ? x + 2 : spec.anchor === 'start' ? x - 2 : x, y1: y - 3, x2: spec.to[0], y2: spec.to[1], class: 'map-leader' }) : null;
    return s('g', { class: 'map-label-group', 'data-label-for': id }, leader, text);
  };

  const face = s('svg', { viewBox: '-16 0 332 330', class: 'map-panel map-face', role: 'group', 'aria-label': 'Face, scalp and neck, from the front' },
    s('path', { d: FACE_OUTLINE, class: 'map-outline' }),
    Object.entries(FACE).map(([id, paths]) => regionGroup(id, paths)),
    FACE_DECOR.map((d) => s('path', { d, class: 'map-decor' })),
    Object.entries(FACE_LABELS).map(([id, spec]) => label(id, spec)));
  const body = s('svg', { viewBox: '0 0 320 360', class: 'map-panel map-body', role: 'group', 'aria-label': 'Body, from the front and from the back' },
    [BX, BX + BACK_DX].map((cx, i) => [
      s('path', { d: HEAD(cx), class: 'map-outline' }),
      s('path', { d: i === 0 ? BODY_SILHOUETTE : shift(BODY_SILHOUETTE, BACK_DX), class: 'map-outline' }),
    ]),
    s('text', { x: BX, y: 358, class: 'map-caption' }, 'front'),
    s('text', { x: BX + BACK_DX, y: 358, class: 'map-caption' }, 'back'),
    Object.entries(BODY).map(([id, paths]) => regionGroup(id, paths)),
    BODY_DECOR.map((d) => s('path', { d, class: 'map-decor' })),
    Object.entries(BODY_LABELS).map(([id, spec]) => label(id, spec)));

  const legend = h('div', { class: 'map-legend', 'aria-live': 'polite' });
  const element = h('div', { class: `body-map${readonly ? ' readonly' : ''}`, role: 'group', 'aria-label': options.label ?? 'Regions' },
    h('div', { class: 'map-panels' }, face, body), legend);

  function paint() {
    for (const [id, g] of groups) {
      const on = chosen.has(id);
      g.classList.toggle('selected', on);
      if (!readonly) g.setAttribute('aria-checked', String(on));
      const fill = fills.get(id);
      g.classList.toggle('filled', !!fill);
      g.querySelectorAll<SVGPathElement>('path.map-shape').forEach((p) => {
        if (fill) p.style.fill = fill;
        else p.style.removeProperty('fill');
      });
      const text = labels.get(id);
      if (text) {
        const name = shortRegionName(known.get(id)?.name ?? id);
        text.textContent = on && !readonly ? `✓ ${name}` : name;
        text.classList.toggle('on', on);
      }
    }
    const names = [...chosen].map((id) => known.get(id)?.name ?? id);
    if (readonly) legend.textContent = names.length ? names.join(' · ') : '';
    else if (names.length === 0) legend.textContent = 'No region chosen: tap or click a region, or Tab to it and press Space.';
    else legend.replaceChildren(h('strong', null, `${names.length} chosen: `), names.join(' · '), h('span', { class: 'muted' }, ' — tap a chosen region again to remove it.'));
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
