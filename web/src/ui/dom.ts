// A few lines instead of a framework: element builders that only ever set text (never HTML),
// so nothing the server or a user typed is interpreted as markup.

import { saveFailure, type SaveFailure, type SaveFailureOptions } from '../save-failure';

export type Child = Node | string | number | null | undefined | false | Child[];
export type Attrs = Record<string, string | number | boolean | null | undefined | EventListener | Partial<CSSStyleDeclaration>>;

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(parent, c);
    return;
  }
  parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
}

function setAttrs(el: Element, attrs: Attrs | null | undefined): void {
  if (!attrs) return;
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
    } else if (key === 'style' && typeof value === 'object') {
      Object.assign((el as HTMLElement).style, value);
    } else if (key === 'value' && 'value' in el) {
      (el as HTMLInputElement).value = String(value);
    } else if (key === 'checked' && 'checked' in el) {
      (el as HTMLInputElement).checked = Boolean(value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
}

/** An HTML element: h('button', {type: 'button', onclick}, 'Save'). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** The tab opened with the focus on it (see tabStrip): its strip's label and its link. */
let tabFocusPending: { label: string; href: string } | null = null;

/**
 * A row of tabs (`role="tablist"`). On a narrow screen it scrolls sideways: the active tab is
 * scrolled into view once the strip is laid out on the page (views are built before they are
 * attached), and the classes `more-left` / `more-right` (faded edges in the style sheet) say
 * that more tabs lie that way.
 *
 * Keyboard (the WAI-ARIA tabs pattern, manual activation): Tab reaches the active tab only;
 * Left/Right (and Home/End) move between tabs; Enter opens one. The view is then built again,
 * and the new strip takes the focus back to its active tab, so that arrows go on working.
 */
export function tabStrip(label: string, ...tabs: Child[]): HTMLElement {
  const nav = h('nav', { class: 'tabs', role: 'tablist', 'aria-label': label }, ...tabs);
  const links = [...nav.querySelectorAll<HTMLAnchorElement>('a')];
  const current = Math.max(0, links.findIndex((a) => a.classList.contains('active')));
  links.forEach((a, i) => a.setAttribute('tabindex', i === current ? '0' : '-1'));
  nav.addEventListener('keydown', (event) => {
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    if (at < 0 || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;  // Alt+Left: back
    const to = event.key === 'ArrowRight' ? (at + 1) % links.length
      : event.key === 'ArrowLeft' ? (at - 1 + links.length) % links.length
        : event.key === 'Home' ? 0 : event.key === 'End' ? links.length - 1 : -1;
    if (to < 0) return;
    event.preventDefault();
    links[at].setAttribute('tabindex', '-1');
    links[to].setAttribute('tabindex', '0');
    links[to].focus();
  });
  // Opening a tab from the keyboard (or clicking one that has the focus) keeps the focus in
  // the strip built next, instead of dropping it to the top of the page.
  nav.addEventListener('click', (event) => {
    const target = (event.target as Element).closest('a');
    const plain = event.button === 0 && !event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey;
    if (plain && target && target === document.activeElement && links.indexOf(target) !== current)
      tabFocusPending = { label, href: target.getAttribute('href') ?? '' };
  });
  // Only the strip of the tab that was opened, showing it as the active one (a cancelled
  // navigation leaves no focus to take later).
  let focusWhenPlaced = tabFocusPending?.label === label && tabFocusPending.href === links[current]?.getAttribute('href');
  if (tabFocusPending?.label === label) tabFocusPending = null;
  const mark = () => {
    nav.classList.toggle('more-left', nav.scrollLeft > 1);
    nav.classList.toggle('more-right', nav.scrollLeft + nav.clientWidth < nav.scrollWidth - 1);
  };
  let placed = false;
  const place = () => {
    const active = nav.querySelector<HTMLElement>('a.active');
    if (!active || nav.scrollWidth <= nav.clientWidth) return;
    const a = active.getBoundingClientRect();
    const n = nav.getBoundingClientRect();
    const margin = 32;  // past the faded edge
    if (a.right > n.right - margin) nav.scrollLeft += a.right - n.right + margin;
    else if (a.left < n.left + margin) nav.scrollLeft -= n.left - a.left + margin;
  };
  nav.addEventListener('scroll', mark, { passive: true });
  // Called once the strip has a size (it is on the page), and on every change of its size or
  // of a tab's (a tab's unsaved-changes marker widens it).
  const observer = new ResizeObserver(() => {
    if (!placed && nav.clientWidth > 0) {
      placed = true;
      place();
      if (focusWhenPlaced) links[current]?.focus({ preventScroll: true });
      focusWhenPlaced = false;
    }
    mark();
  });
  observer.observe(nav);
  for (const tab of nav.querySelectorAll('a')) observer.observe(tab);
  return nav;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element. */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Replaces the children of `el`. */
export function mount(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

let nextId = 0;
/** A unique id for label/for pairs. */
export function uid(prefix = 'f'): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/** A labelled field: the label, the control and a slot for the server's error message. */
export function field(label: string, control: HTMLElement, opts: { hint?: string; key?: string; wide?: boolean } = {}): HTMLElement {
  if (!control.id) control.id = uid();
  const error = h('div', { class: 'field-error', role: 'alert', 'data-error-for': opts.key ?? control.id });
  if (opts.key) control.setAttribute('data-field', opts.key);
  const hintId = opts.hint ? `${control.id}-hint` : undefined;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h('div', { class: `field${opts.wide ? ' wide' : ''}` },
    h('label', { for: control.id }, label),
    control,
    opts.hint ? h('div', { class: 'hint', id: hintId }, opts.hint) : null,
    error);
}

/** Puts a message into the error slot of the field with data-field=key (or the form's general slot). */
export function showFieldError(root: ParentNode, key: string | null, message: string): void {
  const slot = (key && root.querySelector(`[data-error-for="${CSS.escape(key)}"]`)) || root.querySelector('[data-error-for="form"]');
  if (slot) slot.textContent = message;
  const control = key ? root.querySelector<HTMLElement>(`[data-field="${CSS.escape(key)}"]`) : null;
  if (control) {
    control.setAttribute('aria-invalid', 'true');
    control.classList.add('invalid');
  }
}

/**
 * The line under a form's buttons that says why its last send failed (ui: showSaveFailure). Not
 * one of the field slots: a live preview that clears its own errors (the intake's screening, the
 * plan's) leaves it, so it stays until the form is sent again.
 */
export function failureSlot(): HTMLElement {
  return h('div', { class: 'save-failure', role: 'alert', 'data-save-failure': '' });
}

/** Empties the form's failure line (at the start of a new send, and after a success). */
export function clearSaveFailure(root: ParentNode): void {
  root.querySelectorAll('[data-save-failure]').forEach((e) => (e.textContent = ''));
}

/**
 * Says under the form why sending `what` failed (save-failure.ts has the words): the server's
 * message at the field it names when the form has it, and the summary in the form's failure
 * line (else its general error slot). The form's inputs are left as they are.
 */
export function showSaveFailure(root: ParentNode, err: unknown, what: string, opts: SaveFailureOptions = {}): SaveFailure {
  const f = saveFailure(err, what, opts);
  const atField = f.field && f.fieldMessage !== null && root.querySelector(`[data-error-for="${CSS.escape(f.field)}"]`);
  if (atField) showFieldError(root, f.field, f.fieldMessage!);
  const summary = atField || !f.fieldMessage ? f.summary : `${saveFailure(err, what, { ...opts, fieldOf: () => null }).summary}`;
  const line = root.querySelector('[data-save-failure]') ?? root.querySelector('[data-error-for="form"]');
  if (line) line.textContent = summary;
  return f;
}

export function clearFieldErrors(root: ParentNode): void {
  root.querySelectorAll('[data-error-for]').forEach((e) => (e.textContent = ''));
  root.querySelectorAll('[aria-invalid="true"]').forEach((e) => {
    e.removeAttribute('aria-invalid');
    e.classList.remove('invalid');
  });
}

/** <select> with options [value, label]; the first may be ['', 'choose…']. */
export function select(options: [string, string][], value: string, attrs: Attrs = {}): HTMLSelectElement {
  const el = h('select', attrs, options.map(([v, l]) => h('option', { value: v }, l)));
  el.value = value;
  return el;
}

/** Debounces a function: it runs `ms` after the last call. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): ((...args: A) => void) & { flush(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: A | null = null;
  const run = () => {
    timer = undefined;
    if (pending) {
      const a = pending;
      pending = null;
      fn(...a);
    }
  };
  const d = (...args: A) => {
    pending = args;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
  d.flush = () => {
    if (timer) clearTimeout(timer);
    run();
  };
  return d;
}

/** The standard line every clinical panel carries. */
export function supportNotice(text?: string): HTMLElement {
  return h('p', { class: 'notice' }, text || 'Decision support for a qualified practitioner, not a decision: verify every finding with the patient and use your clinical judgement.');
}

export function sourcesLine(sources: string[] | undefined): HTMLElement | null {
  if (!sources || sources.length === 0) return null;
  return h('span', { class: 'sources', title: 'Knowledge-base source ids' }, 'Sources: ', sources.join(', '));
}

/** A table header cell whose label only assistive technology reads (a column of buttons or links). */
export function hiddenTh(label: string): HTMLTableCellElement {
  return h('th', null, h('span', { class: 'visually-hidden' }, label));
}
