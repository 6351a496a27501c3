// The application shell: the signed-in user, the knowledge-base lists every screen needs
// (loaded once), the staff list that turns user ids into names (loaded once per login), the hash
// router and the frame (top bar, navigation, main area).

import { ApiClient, ApiError, staffDirectory, staffName } from './api';
import type { DeviceGeometry } from './devices';
import { h, mount } from './ui/dom';
import type { Device, Indication, Region, Role, Scale, StaffMember, User, Vocabulary, VocabularyKind } from './types';

export interface Kb {
  regions: Region[];
  vocabulary: Vocabulary;
  indications: Indication[];
  devices: Device[];
  scales: Scale[];
}

export type View = (app: App, params: string[]) => Promise<Node> | Node;

interface RouteDef { pattern: RegExp; view: View; title: string; nav?: string }

export class App {
  readonly api: ApiClient;
  user: User | null = null;
  kb: Kb | null = null;
  /** GET /api/staff by id; null until loaded (then names fall back to "user #id"). */
  staff: Map<number, StaffMember> | null = null;
  private readonly root: HTMLElement;
  private readonly routes: RouteDef[] = [];
  private loginView: View | null = null;
  private renderSeq = 0;
  /** Keys of the forms on the current screen with changes not yet saved. */
  private readonly unsaved = new Set<string>();
  private currentHash = location.hash;
  private title = 'dermaplan';

  constructor(root: HTMLElement) {
    this.root = root;
    this.api = new ApiClient({
      onUnauthorized: () => {
        if (this.user) {
          this.user = null;
          this.staff = null;
          void this.render();
        }
      },
    });
    window.addEventListener('hashchange', () => {
      if (location.hash === this.currentHash) return;
      if (!this.confirmLeave()) {
        // Stay: put the address back (this hashchange is then ignored above).
        location.hash = this.currentHash;
        return;
      }
      void this.render();
    });
    // A table wider than a phone scrolls inside its panel: it takes the keyboard focus then, so
    // the arrow keys scroll it (and it leaves the tab order again when it fits).
    let pending = 0;
    const markScrollers = () => {
      pending = 0;
      this.root.querySelectorAll<HTMLElement>('table.table').forEach((t) => {
        const scrolls = t.scrollWidth > t.clientWidth + 1;
        if (scrolls && !t.hasAttribute('tabindex')) t.setAttribute('tabindex', '0');
        else if (!scrolls && t.getAttribute('tabindex') === '0') t.removeAttribute('tabindex');
      });
    };
    const schedule = () => { if (!pending) pending = requestAnimationFrame(markScrollers); };
    new MutationObserver(schedule).observe(this.root, { childList: true, subtree: true });
    window.addEventListener('resize', schedule);
    window.addEventListener('beforeunload', (e) => {
      if (this.unsaved.size === 0) return;
      e.preventDefault();
      e.returnValue = '';
    });
  }

  /**
   * Marks a form of the current screen as changed (or saved again): the browser tab's title and
   * the screen's tab carry a dot, and leaving the screen asks first. Cleared on every new screen.
   */
  setUnsaved(key: string, changed: boolean): void {
    if (changed) this.unsaved.add(key);
    else this.unsaved.delete(key);
    const on = this.unsaved.size > 0;
    document.documentElement.toggleAttribute('data-unsaved', on);
    document.title = (on ? '● ' : '') + this.title;
    document.querySelectorAll('.unsaved-flag').forEach((el) => ((el as HTMLElement).hidden = !on));
    document.querySelectorAll('[role=tab][aria-selected=true]').forEach((el) => el.classList.toggle('unsaved', on));
  }

  hasUnsaved(): boolean {
    return this.unsaved.size > 0;
  }

  /** True when there is nothing unsaved, or the user agrees to drop it. */
  confirmLeave(): boolean {
    if (this.unsaved.size === 0) return true;
    if (!window.confirm('This screen has changes that are not saved. Leave and lose them?')) return false;
    this.unsaved.clear();
    document.documentElement.removeAttribute('data-unsaved');
    return true;
  }

  /** Follows a form's edits: any input or change marks it unsaved until `saved()`. */
  trackForm(form: HTMLElement, key: string): { changed(): void; saved(): void } {
    const changed = () => this.setUnsaved(key, true);
    form.addEventListener('input', changed);
    form.addEventListener('change', changed);
    return { changed, saved: () => this.setUnsaved(key, false) };
  }

  route(pattern: RegExp, title: string, view: View, nav?: string): this {
    this.routes.push({ pattern, view, title, nav });
    return this;
  }

  setLogin(view: View): this {
    this.loginView = view;
    return this;
  }

  can(what: 'plan' | 'sign' | 'clinical' | 'admin'): boolean {
    const role: Role | undefined = this.user?.role;
    if (!role) return false;
    if (what === 'admin') return role === 'admin';
    return role === 'admin' || role === 'practitioner';
  }

  async start(): Promise<void> {
    try {
      // Without the readable CSRF cookie there is no session to resume: skip the 401 round trip.
      this.user = this.api.csrfToken() ? (await this.api.me()).user : null;
    } catch {
      this.user = null;
    }
    await this.render();
  }

  async signedIn(user: User): Promise<void> {
    this.user = user;
    this.kb = null;
    this.staff = null;
    if (!location.hash || location.hash === '#/login') location.hash = '#/';
    await this.render();
  }

  async logout(): Promise<void> {
    if (!this.confirmLeave()) return;
    try {
      await this.api.logout();
    } catch {
      // the session may already be gone
    }
    this.user = null;
    this.kb = null;
    this.staff = null;
    location.hash = '#/';
    await this.render();
  }

  async ensureKb(): Promise<Kb> {
    if (this.kb) return this.kb;
    const [regions, vocabulary, indications, devices, scales] = await Promise.all([
      this.api.regions(), this.api.vocabulary(), this.api.indications(), this.api.devices(), this.api.scales(),
    ]);
    this.kb = { regions, vocabulary, indications, devices, scales };
    return this.kb;
  }

  /**
   * Loads the staff list once for the page's life (again after a login, or after an admin
   * changed the users). A failure is not fatal: names fall back to "user #id" and the next
   * screen tries again.
   */
  async ensureStaff(): Promise<void> {
    if (this.staff) return;
    try {
      this.staff = staffDirectory(await this.api.staff());
    } catch {
      this.staff = null;
    }
  }

  /** Forgets the staff list (an admin added or renamed a user); the next screen reloads it. */
  staffChanged(): void {
    this.staff = null;
  }

  /** The display name for a user id, "user #id" for one the staff list does not hold. */
  userName(id: number | null | undefined): string {
    return staffName(this.staff, id);
  }

  regionName(id: string): string {
    return this.kb?.regions.find((r) => r.id === id)?.name ?? id;
  }

  vocabularyName(kind: VocabularyKind, code: string): string {
    const list = { condition: 'conditions', medication: 'medications', procedure: 'procedures', allergy: 'allergies' } as const;
    return this.kb?.vocabulary[list[kind]].find((e) => e.code === code)?.name ?? code;
  }

  private readonly geometry = new Map<string, Promise<DeviceGeometry | null>>();

  /** A device's needle-length fields from GET /api/kb/show/{id} (loaded once), null if unknown. */
  deviceGeometry(id: string): Promise<DeviceGeometry | null> {
    if (!id) return Promise.resolve(null);
    let p = this.geometry.get(id);
    if (!p) {
      const listed = this.kb?.devices.find((d) => d.id === id);
      p = this.api.kbShow<DeviceGeometry>(id)
        .then((matches) => {
          const found = matches.find((m) => m.kind === 'device');
          return found ? { ...found, kind: listed?.kind ?? found.kind } : null;
        })
        .catch(() => { this.geometry.delete(id); return null; });
      this.geometry.set(id, p);
    }
    return p;
  }

  deviceName(id: string): string {
    return this.kb?.devices.find((d) => d.id === id)?.name ?? id;
  }

  indicationName(id: string): string {
    return this.kb?.indications.find((d) => d.id === id)?.name ?? id;
  }

  /** A short confirmation that survives the next re-render (role=status, fades after a few seconds). */
  toast(message: string): void {
    let box = document.getElementById('toast');
    if (!box) {
      box = h('div', { id: 'toast', role: 'status', 'aria-live': 'polite' });
      document.body.appendChild(box);
    }
    const item = h('div', { class: 'toast' }, message);
    box.appendChild(item);
    setTimeout(() => item.remove(), 5000);
  }

  /**
   * Puts what the screen shows into the address without a new screen (a search as it is
   * typed): a reload or the Back button then shows it again.
   */
  replaceAddress(hash: string): void {
    if (location.hash === hash) return;
    history.replaceState(history.state, '', hash);
    this.currentHash = location.hash;
  }

  /** Re-renders the current route (after a change that the view should show). */
  refresh(): Promise<void> {
    return this.render();
  }

  private async render(): Promise<void> {
    const seq = ++this.renderSeq;
    this.currentHash = location.hash;
    this.unsaved.clear();
    document.documentElement.removeAttribute('data-unsaved');
    if (!this.user) {
      document.title = 'Log in · dermaplan';
      if (this.loginView) mount(this.root, await this.loginView(this, []));
      return;
    }
    const path = location.hash.replace(/^#/, '') || '/';
    const match = this.routes.map((r) => ({ r, m: r.pattern.exec(path) })).find((x) => x.m);
    const main = h('main', { id: 'main', tabindex: -1 });
    mount(this.root, this.frame(match?.r.nav ?? ''), main);
    if (!match) {
      mount(main, h('h1', null, 'Not found'), h('p', null, `Nothing at ${path}. `, h('a', { href: '#/' }, 'Back to today')));
      main.focus({ preventScroll: true });
      return;
    }
    this.title = `${match.r.title} · dermaplan`;
    document.title = this.title;
    mount(main, h('p', { class: 'muted loading' }, 'Loading…'));
    try {
      await Promise.all([this.ensureKb(), this.ensureStaff()]);
      const node = await match.r.view(this, match.m!.slice(1));
      if (seq !== this.renderSeq) return;
      mount(main, node);
      // The page was built anew, so the element that had the focus is gone: the focus goes to
      // the view's first field marked autofocus, else to the main area (a keyboard or screen
      // reader user starts at the new page, not at the top of the document). A view that
      // places the focus itself (a tab strip, later) takes it from there.
      if (document.activeElement === null || document.activeElement === document.body)
        (main.querySelector<HTMLElement>('[autofocus]') ?? main).focus({ preventScroll: true });
    } catch (e) {
      if (seq !== this.renderSeq) return;
      mount(main, errorPanel(e));
      main.focus({ preventScroll: true });
    }
  }

  private frame(active: string): HTMLElement {
    const link = (href: string, label: string, key: string) =>
      h('a', { href, class: active === key ? 'active' : '', 'aria-current': active === key ? 'page' : null }, label);
    const user = this.user!;
    // On a phone the navigation and the account links fold into a menu behind one button.
    const menu = h('button', { type: 'button', class: 'menu-toggle', id: 'menu-toggle', 'aria-expanded': 'false', 'aria-controls': 'topbar-menu' },
      h('span', { class: 'menu-icon', 'aria-hidden': 'true' }), 'Menu');
    const header = h('header', { class: 'topbar' },
      h('a', { class: 'skip', href: '#main', onclick: (e: Event) => { e.preventDefault(); document.getElementById('main')?.focus(); } }, 'Skip to content'),
      h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'dermaplan'),
      menu,
      h('div', { class: 'topbar-menu', id: 'topbar-menu' },
      h('nav', { 'aria-label': 'Main' },
        link('#/', 'Today', 'today'),
        link('#/patients', 'Patients', 'patients'),
        this.can('clinical') ? link('#/outcomes', 'Outcomes', 'outcomes') : null,
        this.can('admin') ? link('#/admin', 'Administration', 'admin') : null),
      h('div', { class: 'who' },
        h('span', { id: 'who-name' }, user.display_name || user.username),
        h('span', { class: `role role-${user.role}` }, user.role),
        h('a', { href: '#/account', id: 'account-link', class: active === 'account' ? 'active' : '',
          'aria-current': active === 'account' ? 'page' : null }, 'Change my password'),
        h('button', { type: 'button', class: 'link', onclick: () => void this.logout() }, 'Log out'))));
    const setOpen = (open: boolean) => {
      header.classList.toggle('open', open);
      menu.setAttribute('aria-expanded', String(open));
    };
    menu.addEventListener('click', () => setOpen(!header.classList.contains('open')));
    // Escape closes the open menu and gives the focus back to its button (the disclosure pattern).
    header.addEventListener('keydown', (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || !header.classList.contains('open')) return;
      setOpen(false);
      menu.focus();
    });
    return header;
  }
}

/** A panel for a failed load: the server's message, and for 403 what it means. */
export function errorPanel(e: unknown): HTMLElement {
  if (e instanceof ApiError) {
    const what = e.status === 403 ? 'Your role does not allow this.' : e.status === 404 ? 'Not found.' : 'The request failed.';
    return h('div', { class: 'error-panel', role: 'alert' },
      h('h2', null, what),
      h('p', null, e.message),
      h('p', { class: 'muted' }, `HTTP ${e.status} · ${e.code}`));
  }
  return h('div', { class: 'error-panel', role: 'alert' }, h('h2', null, 'Something went wrong'), h('p', null, String((e as Error)?.message ?? e)));
}
