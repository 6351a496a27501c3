// Administration (admins only; the server refuses everyone else with 403): users and roles,
// the audit log with filters, and an online backup.

import { errorPanel, type App } from '../app';
import { ApiError } from '../api';
import { formatInstant } from '../dates';
import { clearFieldErrors, field, h, select, showFieldError, hiddenTh } from '../ui/dom';
import type { AuditEntry, User } from '../types';

const ROLES: [string, string][] = [['practitioner', 'practitioner'], ['assistant', 'assistant'], ['admin', 'admin']];

function adminTabs(active: string): HTMLElement {
  const tab = (href: string, label: string, key: string) => h('a', { href, role: 'tab', 'aria-selected': String(active === key), class: active === key ? 'active' : '' }, label);
  return h('nav', { class: 'tabs', role: 'tablist', 'aria-label': 'Administration' },
    tab('#/admin', 'Users', 'users'), tab('#/admin/audit', 'Audit log', 'audit'), tab('#/admin/backup', 'Backup', 'backup'));
}

export async function adminUsersView(app: App): Promise<Node> {
  const { users } = await app.api.users();
  const username = h('input', { autocomplete: 'off', id: 'new-username' });
  const display = h('input', { autocomplete: 'off', id: 'new-display' });
  const role = select(ROLES, 'practitioner', { id: 'new-role' });
  const password = h('input', { type: 'password', autocomplete: 'new-password', id: 'new-password' });
  const form = h('form', { class: 'form-grid', 'aria-label': 'New user' },
    field('Username', username, { key: 'username' }), field('Display name', display, { key: 'display_name' }),
    field('Role', role, { key: 'role' }), field('Initial password', password, { key: 'password', hint: 'At least 10 characters.' }),
    h('div', { class: 'field-error wide', 'data-error-for': 'form', role: 'alert' }),
    h('div', { class: 'actions wide' }, h('button', { type: 'submit', class: 'primary' }, 'Create user')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    try {
      await app.api.createUser({ username: username.value.trim(), display_name: display.value.trim() || undefined, role: role.value, password: password.value });
      app.staffChanged();
      void app.refresh();
    } catch (err) {
      if (err instanceof ApiError) showFieldError(form, err.field?.replace(/^\//, '') ?? null, err.message);
    }
  });
  const userRow = (u: User) => {
    const r = select(ROLES, u.role, { 'aria-label': `Role of ${u.username}` });
    const msg = h('span', { class: 'small', role: 'status' });
    r.addEventListener('change', async () => {
      try {
        const updated = await app.api.updateUser(u.id, { row_version: u.row_version ?? 1, role: r.value });
        u.row_version = updated.row_version;
        app.staffChanged();
        msg.textContent = 'saved';
      } catch (e) {
        msg.textContent = e instanceof ApiError ? e.message : String(e);
        r.value = u.role;
      }
    });
    const toggle = h('button', { type: 'button', class: 'small', disabled: u.id === app.user?.id }, u.disabled ? 'Enable' : 'Disable');
    toggle.addEventListener('click', async () => {
      try {
        await app.api.updateUser(u.id, { row_version: u.row_version ?? 1, disabled: !u.disabled });
        app.staffChanged();
        void app.refresh();
      } catch (e) {
        msg.textContent = e instanceof ApiError ? e.message : String(e);
      }
    });
    return h('tr', { class: u.disabled ? 'disabled' : '' }, h('td', null, u.username), h('td', null, u.display_name), h('td', null, r),
      h('td', null, u.disabled ? 'disabled' : 'active'), h('td', null, formatInstant(u.created_at)), h('td', null, toggle, ' ', msg));
  };
  return h('div', { class: 'page' }, h('h1', null, 'Administration'), adminTabs('users'),
    h('div', { class: 'grid-2 wide-left' },
      h('section', { class: 'panel' }, h('h2', null, `Users (${users.length})`),
        h('table', { class: 'table' },
          h('thead', null, h('tr', null, h('th', null, 'Username'), h('th', null, 'Name'), h('th', null, 'Role'), h('th', null, 'State'), h('th', null, 'Created'), hiddenTh('Actions'))),
          h('tbody', null, users.map(userRow)))),
      h('section', { class: 'panel' }, h('h2', null, 'New user'), form)));
}

export async function auditView(app: App): Promise<Node> {
  const user = h('input', { id: 'audit-user', placeholder: 'username or id', autocomplete: 'off' });
  const entity = select([['', 'any'], ...['patient', 'intake', 'consent', 'course_plan', 'session', 'adverse_event', 'outcome', 'photo', 'user', 'audit', 'agenda', 'lot', 'database'].map((e) => [e, e] as [string, string])], '', { id: 'audit-entity' });
  const limit = select([['50', '50'], ['100', '100'], ['200', '200']], '100', { id: 'audit-limit' });
  const tbody = h('tbody');
  const more = h('button', { type: 'button', hidden: true }, 'More…');
  const info = h('span', { class: 'muted small', role: 'status' });
  const errorBox = h('div');
  // The API pages forward from `after`; newest first reads the whole range once and keeps the tail.
  let entries: AuditEntry[] = [];
  let nextAfter = 0;
  const load = async (reset: boolean) => {
    if (reset) { entries = []; nextAfter = 0; tbody.replaceChildren(); }
    try {
      const r = await app.api.audit({ after: nextAfter || undefined, limit: Number(limit.value), user: user.value.trim() || undefined, entity: entity.value || undefined });
      entries = entries.concat(r.entries);
      nextAfter = r.next_after;
      more.hidden = r.entries.length < Number(limit.value);
      tbody.replaceChildren(...entries.map((e) => h('tr', null,
        h('td', { class: 'num' }, String(e.seq)), h('td', null, formatInstant(e.at)), h('td', null, e.username || `#${e.user_id}`),
        h('td', null, h('span', { class: `badge action-${e.action}` }, e.action)), h('td', null, e.entity), h('td', { class: 'num' }, e.record_id ? String(e.record_id) : ''),
        h('td', { class: 'detail' }, e.detail))));
      info.textContent = `${entries.length} entries, oldest first (the log is an append-only hash chain)`;
    } catch (e) {
      if (reset) throw e;
      errorBox.replaceChildren(errorPanel(e));
    }
  };
  const form = h('form', { class: 'filters', 'aria-label': 'Audit filters' },
    field('User', user), field('Record type', entity), field('Page size', limit),
    h('button', { type: 'submit', class: 'primary' }, 'Apply'));
  form.addEventListener('submit', (e) => { e.preventDefault(); void load(true); });
  more.addEventListener('click', () => void load(false));
  try {
    await load(true);
  } catch (e) {
    // Refused (403 for anyone but an admin) or failed: say so, show nothing else.
    return h('div', { class: 'page' }, h('h1', null, 'Audit log'), errorPanel(e));
  }
  return h('div', { class: 'page' }, h('h1', null, 'Administration'), adminTabs('audit'), errorBox,
    h('section', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h2', null, 'Audit log'), h('div', { class: 'spacer' }), info), form,
      h('table', { class: 'table audit', id: 'audit-table' },
        h('thead', null, h('tr', null, h('th', null, '#'), h('th', null, 'When'), h('th', null, 'User'), h('th', null, 'Action'), h('th', null, 'Record'), h('th', null, 'Id'), h('th', null, 'Detail'))),
        tbody),
      more));
}

export function backupView(app: App): Node {
  const button = h('button', { type: 'button', class: 'primary', id: 'backup' }, 'Back up now');
  const out = h('p', { role: 'status' });
  button.addEventListener('click', async () => {
    button.disabled = true;
    out.textContent = 'Backing up…';
    try {
      const r = await app.api.backup();
      out.replaceChildren('Backup written to ', h('code', null, r.path));
    } catch (e) {
      out.textContent = e instanceof ApiError ? e.message : String(e);
    } finally {
      button.disabled = false;
    }
  });
  return h('div', { class: 'page' }, h('h1', null, 'Administration'), adminTabs('backup'),
    h('section', { class: 'panel narrow' }, h('h2', null, 'Backup'),
      h('p', null, 'Writes a consistent copy of the database on the server while it keeps running. Copy the file somewhere safe (another disk or machine).'),
      button, out));
}
