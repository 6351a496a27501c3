// Before and after photos of one region and view, compared three ways: a slider across the two
// (img-comparison-slider, loaded only when a comparison is shown), an overlay whose opacity the
// practitioner sets, and side by side; a zoom applies to all three. Each photo names its date
// and links to the session it belongs to.

import { formatDay } from '../dates';
import { h } from './dom';
import type { Photo } from '../types';

export interface CompareOptions {
  /** Every photo of this region and view, any order. */
  photos: Photo[];
  title: string;
  before?: Photo;
  after?: Photo;
  sessionLabel: (sessionId: number) => string;
  describe: (p: Photo) => string;
}

let sliderLoaded: Promise<unknown> | null = null;
/** Registers <img-comparison-slider> once (a separate chunk of the bundle). */
function loadSlider(): Promise<unknown> {
  sliderLoaded ??= import('img-comparison-slider');
  return sliderLoaded;
}

let nextCompare = 0;

export function photoCompare(o: CompareOptions): HTMLElement {
  const n = ++nextCompare;
  const photos = [...o.photos].sort((a, b) => (a.taken_on < b.taken_on ? -1 : a.taken_on > b.taken_on ? 1 : a.id - b.id));
  const label = (p: Photo) => `${formatDay(p.taken_on)} · ${p.tag}${p.session_id ? ` · ${o.sessionLabel(p.session_id)}` : ''}`;
  // One photo is no comparison: it is shown as itself (a slider across it and itself said "before" and "after").
  if (photos.length === 1) {
    const p = photos[0];
    return h('div', { class: 'photo-compare photo-single', 'data-compare': o.title },
      h('h3', null, o.title),
      h('figure', { class: 'photo' }, h('img', { src: p.url, alt: o.describe(p), draggable: 'false' }),
        h('figcaption', null, label(p), p.session_id ? [' ', h('a', { href: `#/sessions/${p.session_id}` }, 'open the session')] : null)),
      h('p', { class: 'muted small' }, 'The only photo of this region and view so far: a later one is compared with it here.'));
  }
  const options = photos.map((p) => [String(p.id), label(p)] as [string, string]);
  const pick = (attrs: Record<string, string>, value: Photo | undefined) => {
    const el = h('select', attrs, options.map(([v, l]) => h('option', { value: v }, l)));
    el.value = String(value?.id ?? photos[0]?.id ?? '');
    return el;
  };
  const beforeSel = pick({ id: `cmp-before-${n}`, class: 'cmp-before' }, o.before ?? photos[0]);
  const afterSel = pick({ id: `cmp-after-${n}`, class: 'cmp-after' }, o.after ?? photos[photos.length - 1]);
  const modeName = `cmp-mode-${n}`;
  const modes = (['slider', 'overlay', 'side'] as const).map((m, i) => {
    const id = `${modeName}-${m}`;
    return { m, input: h('input', { type: 'radio', name: modeName, id, value: m, checked: i === 0 }),
      label: { slider: 'Slider', overlay: 'Overlay', side: 'Side by side' }[m] };
  });
  const zoom = h('input', { type: 'range', min: 1, max: 4, step: 0.25, value: 1, id: `cmp-zoom-${n}`, class: 'cmp-zoom' });
  const opacity = h('input', { type: 'range', min: 0, max: 100, step: 1, value: 50, id: `cmp-opacity-${n}`, class: 'cmp-opacity' });
  const stage = h('div', { class: 'cmp-stage' });
  const captions = h('div', { class: 'cmp-captions small' });
  const opacityField = h('span', { class: 'cmp-field', hidden: true }, h('label', { for: opacity.id }, 'After over before'), opacity);

  const byId = (id: string) => photos.find((p) => String(p.id) === id);
  const img = (p: Photo | undefined, slot?: string) => p
    ? h('img', { src: p.url, alt: o.describe(p), slot: slot ?? null, draggable: 'false', style: { transform: `scale(${zoom.value})` } })
    : h('div', { class: 'photo-missing' }, 'no photo');
  const caption = (p: Photo | undefined, what: string) => p ? h('span', null, h('strong', null, `${what}: `), label(p),
    p.session_id ? [' ', h('a', { href: `#/sessions/${p.session_id}` }, 'open the session')] : null) : h('span', null, `${what}: none`);

  const draw = async () => {
    const before = byId(beforeSel.value);
    const after = byId(afterSel.value);
    const mode = modes.find((x) => x.input.checked)?.m ?? 'slider';
    opacityField.hidden = mode !== 'overlay';
    captions.replaceChildren(caption(before, 'Before'), caption(after, 'After'));
    if (mode === 'slider') {
      await loadSlider();
      stage.replaceChildren(h('img-comparison-slider' as 'div', { class: 'cmp-slider', tabindex: 0, 'aria-label': `Slider between before and after, ${o.title}` },
        img(before, 'first'), img(after, 'second')));
    } else if (mode === 'overlay') {
      const top = img(after);
      top.classList.add('cmp-top');
      top.style.opacity = String(Number(opacity.value) / 100);
      stage.replaceChildren(h('div', { class: 'cmp-overlay' }, img(before), top));
    } else {
      stage.replaceChildren(h('div', { class: 'side-by-side' },
        h('figure', { class: 'photo' }, img(before), h('figcaption', null, 'before')),
        h('figure', { class: 'photo' }, img(after), h('figcaption', null, 'after'))));
    }
    stage.dataset.mode = mode;
  };
  for (const el of [beforeSel, afterSel, ...modes.map((x) => x.input)]) el.addEventListener('change', () => void draw());
  zoom.addEventListener('input', () => {
    stage.querySelectorAll<HTMLElement>('img').forEach((i) => (i.style.transform = `scale(${zoom.value})`));
  });
  opacity.addEventListener('input', () => {
    const top = stage.querySelector<HTMLElement>('.cmp-top');
    if (top) top.style.opacity = String(Number(opacity.value) / 100);
  });
  void draw();

  return h('div', { class: 'photo-compare', 'data-compare': o.title },
    h('h3', null, o.title),
    h('div', { class: 'cmp-controls' },
      h('span', { class: 'cmp-field' }, h('label', { for: beforeSel.id }, 'Before'), beforeSel),
      h('span', { class: 'cmp-field' }, h('label', { for: afterSel.id }, 'After'), afterSel),
      h('fieldset', { class: 'cmp-modes' }, h('legend', null, 'Compare'),
        modes.map((x) => h('span', { class: 'chip-check' }, x.input, h('label', { for: x.input.id }, x.label)))),
      h('span', { class: 'cmp-field' }, h('label', { for: zoom.id }, 'Zoom'), zoom),
      opacityField),
    stage, captions);
}
