// The application shell: the signed-in user, the knowledge-base lists every screen needs
// (loaded once), the staff list that turns user ids into names (loaded once per login), the hash
// router and the frame (top bar, navigation, main area).

import { ApiClient, ApiError, staffDirectory, staffName } from './api';
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
    window.addEventListener('hashchange', () => void this.render());
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

  /** Re-renders the current route (after a change that the view should show). */
  refresh(): Promise<void> {
    return this.render();
  }

  private async render(): Promise<void> {
    const seq = ++this.renderSeq;
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
      return;
    }
    document.title = `${match.r.title} · dermaplan`;
    mount(main, h('p', { class: 'muted loading' }, 'Loading…'));
    try {
      await Promise.all([this.ensureKb(), this.ensureStaff()]);
      const node = await match.r.view(this, match.m!.slice(1));
      if (seq === this.renderSeq) mount(main, node);
    } catch (e) {
      if (seq !== this.renderSeq) return;
      mount(main, errorPanel(e));
    }
  }

  private frame(active: string): HTMLElement {
    const link = (href: string, label: string, key: string) =>
      h('a', { href, class: active === key ? 'active' : '', 'aria-current': active === key ? 'page' : null }, label);
    const user = this.user!;
    return h('header', { class: 'topbar' },
      h('a', { class: 'skip', href: '#main', onclick: (e: Event) => { e.preventDefault(); document.getElementById('main')?.focus(); } }, 'Skip to content'),
      h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'dermaplan'),
      h('nav', { 'aria-label': 'Main' },
        link('#/', 'Today', 'today'),
        link('#/patients', 'Patients', 'patients'),
        this.can('admin') ? link('#/admin', 'Administration', 'admin') : null),
      h('div', { class: 'who' },
        h('span', { id: 'who-name' }, user.display_name || user.username),
        h('span', { class: `role role-${user.role}` }, user.role),
        h('a', { href: '#/account', id: 'account-link', class: active === 'account' ? 'active' : '',
          'aria-current': active === 'account' ? 'page' : null }, 'Change my password'),
        h('button', { type: 'button', class: 'link', onclick: () => void this.logout() }, 'Log out')));
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
