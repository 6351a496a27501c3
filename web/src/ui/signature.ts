// The patient's signature, drawn on screen with a finger, stylus or mouse (signature_pad on a
// canvas) and handed over as an SVG of the strokes: paths, circles and lines only, which is all
// the server accepts. The canvas follows its box's size; a resize keeps the strokes.

import SignaturePad from 'signature_pad';
import { h } from './dom';

export interface SignatureField {
  element: HTMLElement;
  isEmpty(): boolean;
  /** The drawing as SVG text, or null when nothing is drawn. */
  svg(): string | null;
  clear(): void;
}

/** Base64 of a UTF-8 string (the SVG), as the API's data_base64 wants. */
export function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function signatureField(opts: { label: string; onChange?: () => void }): SignatureField {
  const canvas = h('canvas', { class: 'signature-canvas', id: 'signature-canvas', role: 'img', 'aria-label': `${opts.label}: drawing area` });
  const status = h('span', { class: 'small muted', id: 'signature-status', role: 'status' }, 'Not signed yet.');
  const clearButton = h('button', { type: 'button', class: 'small', id: 'signature-clear' }, 'Clear');
  const pad = new SignaturePad(canvas, { penColor: '#14202b', minWidth: 0.8, maxWidth: 2.6 });
  const changed = () => {
    status.textContent = pad.isEmpty() ? 'Not signed yet.' : 'Signed on screen.';
    opts.onChange?.();
  };
  pad.addEventListener('endStroke', changed);
  const fit = () => {
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const w = canvas.offsetWidth;
    const hgt = canvas.offsetHeight;
    if (!w || !hgt || (canvas.width === Math.round(w * ratio) && canvas.height === Math.round(hgt * ratio))) return;
    const data = pad.toData();
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(hgt * ratio);
    canvas.getContext('2d')?.scale(ratio, ratio);
    pad.clear();
    if (data.length) pad.fromData(data);
  };
  new ResizeObserver(fit).observe(canvas);
  clearButton.addEventListener('click', () => { pad.clear(); changed(); });
  const element = h('div', { class: 'field wide signature-field' },
    h('span', { class: 'label', id: 'signature-label' }, opts.label),
    h('div', { class: 'signature-box' }, canvas, h('span', { class: 'signature-line', 'aria-hidden': 'true' }, 'Sign here')),
    h('div', { class: 'signature-tools' }, clearButton, status),
    h('div', { class: 'field-error', 'data-error-for': 'signature', role: 'alert' }),
    h('div', { class: 'field-error', 'data-error-for': 'signature/data_base64', role: 'alert' }));
  return {
    element,
    isEmpty: () => pad.isEmpty(),
    svg: () => (pad.isEmpty() ? null : pad.toSVG()),
    clear: () => { pad.clear(); changed(); },
  };
}
