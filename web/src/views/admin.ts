// Administration (admins only; the server refuses everyone else with 403): users and roles,
// the audit log with filters, an online backup and the practice export.

import { errorPanel, type App } from '../app';
import { formatInstant } from '../dates';
import { clearFieldErrors, clearSaveFailure, debounce, failureSlot, field, h, select, showSaveFailure, hiddenTh, tabStrip } from '../ui/dom';
import { saveFailure } from '../save-failure';
import { actionLabel, auditKind, auditSentence, entityLabel } from '../audit-detail';
import type { AuditEntry, User } from '../types';
import { practiceExportPanel } from './documents';
import { setPasswordDialog } from './user-password';

const ROLES: [string, string][] = [['practitioner', 'practitioner'], ['assistant', 'assistant'], ['admin', 'admin']];

function adminTabs(active: string): HTMLElement {
  const tab = (href: string, label: string, key: string) => h('a', { href, role: 'tab', 'aria-selected': String(active === key), class: active === key ? 'active' : '' }, label);
  return tabStrip('Administration',
    tab('#/admin', 'Users', 'users'), tab('#/admin/audit', 'Audit log', 'audit'), tab('#/admin/backup', 'Backup', 'backup'));
}

export async function adminUsersView(app: App): Promise<Node> {
  const { users } = await app.api.users();
  const username = h('input', { autocomplete: 'off', id: 'new-username' });
  const display = h('input', { autocomplete: 'off', id: 'new-display' });
  const role = select(ROLES, 'practitioner', { id: 'new-role' });
  const password = h('input', { type: 'password', autocomplete: 'new-password', id: 'new-password' });
  const form = h('form', { class: 'form-grid', 'aria-label': 'New user' },
    field('Username', username, { key: 'username', hint: 'Letters a-z, digits and . _ - @; no spaces or accents' }), field('Display name', display, { key: 'display_name' }),
    field('Role', role, { key: 'role' }), field('Initial password', password, { key: 'password', hint: 'At least 10 characters.' }),
    h('div', { class: 'field-error wide', 'data-error-for': 'form', role: 'alert' }),
    h('div', { class: 'actions wide' }, h('button', { type: 'submit', class: 'primary' }, 'Create user')),
    failureSlot());
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    clearSaveFailure(form);
    try {
      const created = await app.api.createUser({ username: username.value.trim(), display_name: display.value.trim() || undefined, role: role.value, password: password.value });
      app.staffChanged();
      app.toast(`User ${created.username} created as ${created.role}; they log in with the initial password.`);
      void app.refresh();
    } catch (err) {
      showSaveFailure(form, err, 'the user', { done: 'created' });
    }
  });
  const userRow = (u: User) => {
    const r = select(ROLES, u.role, { 'aria-label': `Role of ${u.username}` });
    const msg = h('span', { class: 'small', role: 'status' });
    r.addEventListener('change', async () => {
      msg.textContent = 'saving…';
      try {
        const updated = await app.api.updateUser(u.id, { row_version: u.row_version ?? 1, role: r.value });
        u.row_version = updated.row_version;
        u.role = updated.role;
        app.staffChanged();
        msg.textContent = 'saved';
      } catch (e) {
        // The select shows the role in force again: the change was not made.
        msg.textContent = saveFailure(e, `the role of ${u.username}`, { done: 'changed', retry: `${u.username} is still ${u.role}.` }).summary;
        r.value = u.role;
      }
    });
    // One's own account is not disabled from here: it would lock the admin out at once (and
    // could leave the practice without an admin). Said beside the greyed button, and read with it.
    const self = u.id === app.user?.id;
    const whyNot = self ? h('span', { class: 'small muted own-account-note', id: `own-account-${u.id}` },
      'Your own account: you cannot disable it, as that would lock you out. Another admin can.') : null;
    const toggle = h('button', { type: 'button', class: 'small', disabled: self, 'data-action': 'toggle-disabled',
      'aria-describedby': whyNot ? whyNot.id : null }, u.disabled ? 'Enable' : 'Disable');
    toggle.addEventListener('click', async () => {
      try {
        await app.api.updateUser(u.id, { row_version: u.row_version ?? 1, disabled: !u.disabled });
        app.staffChanged();
        void app.refresh();
      } catch (e) {
        msg.textContent = saveFailure(e, u.username, { done: u.disabled ? 'enabled' : 'disabled', retry: 'Try again.' }).summary;
      }
    });
    // Setting a password: another user's here; one's own on My account (it asks for the
    // current one, and keeps this browser signed in, which PATCH would not).
    const own = u.id === app.user?.id;
    const dialog = own ? null : setPasswordDialog(app, u, (updated) => {
      u.row_version = updated.row_version;
      msg.textContent = `Password set; ${u.username} was signed out everywhere.`;
      app.toast(`New password set for ${u.username}. Their sessions have ended; they log in with the new password.`);
    });
    const setPassword = own
      ? h('a', { href: '#/account', class: 'button small', 'data-action': 'own-password' }, 'Change my password')
      : h('button', { type: 'button', class: 'small', 'data-action': 'set-password', 'aria-haspopup': 'dialog',
        'aria-label': `Set password of ${u.username}`,
        onclick: () => { msg.textContent = ''; dialog!.showModal(); dialog!.querySelector<HTMLElement>('input[type=password]')?.focus(); } }, 'Set password');
    return h('tr', { class: u.disabled ? 'disabled' : '', 'data-user': u.username }, h('td', { 'data-label': 'Username' }, u.username),
      h('td', { 'data-label': 'Name' }, u.display_name), h('td', { 'data-label': 'Role' }, r),
      h('td', { 'data-label': 'State' }, u.disabled ? 'disabled' : 'active'), h('td', { 'data-label': 'Created' }, formatInstant(u.created_at)),
      h('td', { class: 'user-actions stack-wide' }, toggle, ' ', setPassword, whyNot ? [' ', whyNot] : null, ' ', msg, dialog));
  };
  return h('div', { class: 'page' }, h('h1', null, 'Administration'), adminTabs('users'),
    h('div', { class: 'grid-2 wide-left' },
      h('section', { class: 'panel' }, h('h2', null, `Users (${users.length})`),
        // On a phone each user is a card with the column names as labels (style.css .table.stack).
        h('table', { class: 'table stack', id: 'users-table' },
          h('thead', null, h('tr', null, h('th', null, 'Username'), h('th', null, 'Name'), h('th', null, 'Role'), h('th', null, 'State'), h('th', null, 'Created'), hiddenTh('Actions'))),
          h('tbody', null, users.map(userRow)))),
      h('section', { class: 'panel' }, h('h2', null, 'New user'), form)));
}

const AUDIT_ENTITIES = ['patient', 'intake', 'consent', 'course_plan', 'session', 'adverse_event', 'outcome', 'photo', 'user', 'audit', 'agenda', 'lot', 'database', 'practice'];

/**
 * The audit log, newest first: who (by name), what (a sentence, the raw detail one click away),
 * on which record and patient; reads shown apart from changes. Filters: patient (by name),
 * user, record type, reads or changes. `#/admin/audit/patient/ID` opens it on one patient.
 */
export async function auditView(app: App, params: string[] = []): Promise<Node> {
  const staff = [...(app.staff?.values() ?? [])].sort((a, b) => a.display_name.localeCompare(b.display_name));
  const user = select([['', 'anyone'], ...staff.map((m) => [String(m.id), m.display_name || `user #${m.id}`] as [string, string])], '', { id: 'audit-user' });
  const entity = select([['', 'any'], ...AUDIT_ENTITIES.map((e) => [e, entityLabel(e)] as [string, string])], '', { id: 'audit-entity' });
  const kind = select([['', 'reads and changes'], ['write', 'changes only'], ['read', 'reads only']], '', { id: 'audit-kind' });
  const limit = select([['50', '50'], ['100', '100'], ['200', '200']], '100', { id: 'audit-limit' });
  // The patient filter: type a name, pick the patient.
  const patientQuery = h('input', { type: 'search', id: 'audit-patient-search', placeholder: 'Name…', autocomplete: 'off' });
  const patient = select([['', 'any patient']], '', { id: 'audit-patient' });
  const names = new Map<number, string>();
  const setPatientOptions = (list: { id: number; name: string }[], keep: string) => {
    patient.replaceChildren(h('option', { value: '' }, 'any patient'),
      ...list.map((p) => h('option', { value: String(p.id) }, `${p.name} (#${p.id})`)));
    patient.value = list.some((p) => String(p.id) === keep) ? keep : '';
  };
  const findPatients = debounce(async (q: string) => {
    try {
      const found = await app.api.patients(q, 20);
      const keep = patient.value;
      const list = found.patients.map((p) => ({ id: p.id, name: p.name }));
      if (keep && !list.some((p) => String(p.id) === keep)) list.unshift({ id: Number(keep), name: names.get(Number(keep)) ?? `patient #${keep}` });
      setPatientOptions(list, q ? String(list[0]?.id ?? '') : keep);
    } catch { /* the filter keeps its options */ }
  }, 250);
  patientQuery.addEventListener('input', () => findPatients(patientQuery.value.trim()));
  const initialPatient = params[0] ? Number(params[0]) : 0;

  const tbody = h('tbody');
  const table = h('table', { class: 'table audit', id: 'audit-table' },
    h('thead', null, h('tr', null, h('th', null, '#'), h('th', null, 'When'), h('th', null, 'Who'), h('th', null, 'Action'), h('th', null, 'Record'), h('th', null, 'Patient'), h('th', null, 'What'))),
    tbody);
  const more = h('button', { type: 'button', hidden: true, id: 'audit-more' }, 'Older entries…');
  const info = h('span', { class: 'muted small', role: 'status' });
  const errorBox = h('div');
  let entries: AuditEntry[] = [];
  let nextBefore = 0;
  const patientName = (id: number) => names.get(id) || `patient #${id}`;
  const patientLinks = (ids: number[] | undefined): Node | string => {
    if (!ids || ids.length === 0) return '';
    if (ids.length === 1) return h('a', { href: `#/patients/${ids[0]}` }, patientName(ids[0]));
    return h('details', { class: 'audit-patients' }, h('summary', null, `${ids.length} patients`),
      h('ul', null, ids.map((id) => h('li', null, h('a', { href: `#/patients/${id}` }, patientName(id))))));
  };
  const recordCell = (e: AuditEntry): Node | string => {
    const label = entityLabel(e.entity);
    if (!e.record_id) return label;
    const href = e.entity === 'patient' ? `#/patients/${e.record_id}` : e.entity === 'session' ? `#/sessions/${e.record_id}` : null;
    return href ? h('a', { href }, `${label} #${e.record_id}`) : `${label} #${e.record_id}`;
  };
  const whoCell = (e: AuditEntry): Node => {
    const name = e.user_id ? app.userName(e.user_id) : e.username ? '' : 'the system';
    return h('span', null, name && !name.startsWith('user #') ? name : e.username || name,
      name && !name.startsWith('user #') && e.username ? h('span', { class: 'muted small' }, ` ${e.username}`) : null);
  };
  const rowOf = (e: AuditEntry) => {
    const k = auditKind(e.action);
    return h('tr', { class: `audit-${k}`, 'data-kind': k, 'data-seq': String(e.seq) },
      h('td', { class: 'num muted' }, String(e.seq)),
      h('td', null, formatInstant(e.at)),
      h('td', null, whoCell(e)),
      h('td', null, h('span', { class: `badge action action-${e.action} kind-${k}` }, actionLabel(e.action))),
      h('td', null, recordCell(e)),
      h('td', { class: 'audit-patient' }, patientLinks(e.patient_ids)),
      h('td', { class: 'detail' }, h('span', { class: 'audit-sentence' }, auditSentence(e, patientName)),
        e.detail ? h('details', { class: 'raw' }, h('summary', null, 'as recorded'), h('code', null, e.detail)) : null));
  };
  let loadSeq = 0;
  const load = async (reset: boolean) => {
    const seq = ++loadSeq;
    errorBox.replaceChildren();
    try {
      const r = await app.api.audit({
        order: 'desc', before: reset ? undefined : nextBefore || undefined, limit: Number(limit.value),
        user: user.value || undefined, entity: entity.value || undefined, patient: patient.value ? Number(patient.value) : undefined,
        kind: (kind.value || undefined) as 'read' | 'write' | undefined,
      });
      // A newer request (a filter changed meanwhile) wins.
      if (seq !== loadSeq) return;
      for (const [id, name] of Object.entries(r.patients ?? {})) names.set(Number(id), name);
      entries = reset ? r.entries : entries.concat(r.entries);
      nextBefore = r.next_before ?? 0;
      more.hidden = nextBefore === 0;
      tbody.replaceChildren(...entries.map(rowOf));
      // What the rows shown were asked with (tests and styles can tell a finished reload).
      Object.assign(table.dataset, { patient: patient.value, user: user.value, entity: entity.value, kind: kind.value });
      const reads = entries.filter((e) => e.action === 'read').length;
      info.textContent = `${entries.length} entries, newest first (${reads} reads, ${entries.length - reads} changes)${nextBefore ? '' : ', back to the start of the log'}.`;
    } catch (e) {
      if (seq !== loadSeq) return;
      if (reset && entries.length === 0 && !tbody.hasChildNodes()) throw e;
      errorBox.replaceChildren(errorPanel(e));
    }
  };
  const form = h('form', { class: 'filters', 'aria-label': 'Audit filters' },
    h('div', { class: 'field' }, h('label', { for: patientQuery.id }, 'Patient'), h('div', { class: 'patient-pick' }, patientQuery, patient)),
    field('User', user), field('Record type', entity), field('Show', kind), field('Page size', limit),
    h('button', { type: 'submit', class: 'primary' }, 'Apply'));
  patient.setAttribute('aria-label', 'Patient to show');
  form.addEventListener('submit', (e) => { e.preventDefault(); void load(true); });
  for (const control of [patient, user, entity, kind]) control.addEventListener('change', () => void load(true));
  more.addEventListener('click', () => void load(false));
  try {
    if (initialPatient) {
      const p = await app.api.patient(initialPatient);
      names.set(p.id, p.name);
      setPatientOptions([{ id: p.id, name: p.name }], String(p.id));
    }
    await load(true);
  } catch (e) {
    // Refused (403 for anyone but an admin) or failed: say so, show nothing else.
    return h('div', { class: 'page' }, h('h1', null, 'Audit log'), errorPanel(e));
  }
  return h('div', { class: 'page' }, h('h1', null, 'Administration'), adminTabs('audit'), errorBox,
    h('section', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h2', null, 'Audit log'), h('div', { class: 'spacer' }), info), form,
      h('p', { class: 'muted small' }, 'Every read of patient data and every change is logged, in an append-only hash chain. ',
        h('span', { class: 'legend-item' }, h('span', { class: 'badge kind-read' }, 'read'), ' looked at'), ' ',
        h('span', { class: 'legend-item' }, h('span', { class: 'badge kind-write action-update' }, 'changed'), ' wrote, signed, amended, logged in…')),
      table,
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
      out.textContent = saveFailure(e, 'the backup', { done: 'written', retry: 'Try again.' }).summary;
    } finally {
      button.disabled = false;
    }
  });
  return h('div', { class: 'page' }, h('h1', null, 'Administration'), adminTabs('backup'),
    h('section', { class: 'panel narrow' }, h('h2', null, 'Backup'),
      h('p', null, 'Writes a consistent copy of the database on the server while it keeps running. Copy the file somewhere safe (another disk or machine).'),
      button, out),
    practiceExportPanel());
}
