// An admin sets another user's password (a forgotten one, a new colleague's first login):
// PATCH /api/users/{id} with `password` and `row_version`. The server checks the rules, stores
// the new hash and ends every session of that user at once (docs/api.md); the user logs in
// again with the new password. The form checks what the own-password form checks (length, the
// repeat) before sending, then asks to confirm, naming the user and what happens to their
// sessions. An admin's own password is changed on My account (it asks for the current one).

import type { App } from '../app';
import { ApiError, MIN_PASSWORD_CHARS, errorFieldKey, passwordSetProblems } from '../api';
import { clearFieldErrors, field, h, showFieldError } from '../ui/dom';
import { saveFailure } from '../save-failure';
import type { User } from '../types';

/**
 * The "Set password" dialog for `user`. `onSet` is called with the updated user (its new
 * row_version) once the server has set the password.
 */
export function setPasswordDialog(app: App, user: User, onSet: (updated: User) => void): HTMLDialogElement {
  const who = user.display_name ? `${user.display_name} (${user.username})` : user.username;
  const titleId = `set-password-title-${user.id}`;
  // A (hidden) username field lets password managers tie the new password to that account.
  const username = h('input', { type: 'text', name: 'username', autocomplete: 'username', value: user.username, hidden: true, readonly: true, tabindex: -1 });
  const next = h('input', { type: 'password', id: `set-password-${user.id}`, name: 'new-password', autocomplete: 'new-password', required: true, minlength: MIN_PASSWORD_CHARS });
  const repeat = h('input', { type: 'password', id: `set-password-repeat-${user.id}`, name: 'repeat-password', autocomplete: 'new-password', required: true, minlength: MIN_PASSWORD_CHARS });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-action': 'set-password' }, 'Set password…');
  const cancel = h('button', { type: 'button', 'data-action': 'cancel' }, 'Cancel');
  const fields = h('div', { class: 'form-grid' },
    field('New password', next, { key: 'password', wide: true, hint: `At least ${MIN_PASSWORD_CHARS} characters.` }),
    field('New password again', repeat, { key: 'repeat_password', wide: true }));
  // The confirmation, in the dialog: who, and what happens to their sessions.
  const yes = h('button', { type: 'button', class: 'primary', 'data-action': 'confirm' }, `Yes, set it and sign ${user.username} out`);
  const back = h('button', { type: 'button', 'data-action': 'back' }, 'Back');
  const confirmBox = h('div', { class: 'confirm-box', role: 'group', 'aria-label': 'Confirm', hidden: true },
    h('p', null, h('strong', null, `Set this password for ${who}?`)),
    h('p', null, `Every session of ${user.username} ends now: they are signed out in every browser and on every device, and log in again with the new password.`),
    h('div', { class: 'actions' }, yes, back));
  const actions = h('div', { class: 'actions' }, submit, cancel);
  const form = h('form', { novalidate: true, 'aria-labelledby': titleId },
    username, fields,
    h('div', { class: 'field-error', 'data-error-for': 'form', role: 'alert' }),
    actions, confirmBox);
  const dialog = h('dialog', { class: 'sign-dialog set-password-dialog', id: `set-password-dialog-${user.id}`, 'aria-labelledby': titleId },
    h('h2', { id: titleId }, `Set the password of ${who}`),
    h('p', { class: 'muted small' }, 'For a forgotten password or a first login. Tell the user the new password in person; they can change it under Change my password.'),
    form);

  const confirming = (on: boolean) => {
    confirmBox.hidden = !on;
    actions.hidden = on;
    next.readOnly = on;
    repeat.readOnly = on;
    (on ? yes : next).focus();
  };
  const close = () => {
    form.reset();
    clearFieldErrors(form);
    confirming(false);
    dialog.close();
  };
  cancel.addEventListener('click', close);
  back.addEventListener('click', () => confirming(false));
  dialog.addEventListener('cancel', (e) => { e.preventDefault(); close(); });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    const problems = passwordSetProblems(next.value, repeat.value);
    if (problems.length) {
      for (const p of problems) showFieldError(form, p.field, p.message);
      form.querySelector<HTMLElement>(`[data-field="${problems[0].field}"]`)?.focus();
      return;
    }
    confirming(true);
  });
  yes.addEventListener('click', async () => {
    yes.disabled = true;
    try {
      const updated = await app.api.updateUser(user.id, { row_version: user.row_version ?? 1, password: next.value });
      close();
      onSet(updated);
    } catch (err) {
      confirming(false);
      if (err instanceof ApiError && err.kind === 'server') {
        const key = errorFieldKey(err.field);
        const slot = key && form.querySelector(`[data-error-for="${CSS.escape(key)}"]`) ? key : 'form';
        const message = err.status === 409 && err.code === 'conflict' && slot === 'form'
          ? `${err.message}: someone changed this user since the list was loaded. The password was not set; reload the page and try again.`
          : `${err.message}${slot === 'form' ? ' The password was not set.' : ''}`;
        showFieldError(form, slot, message);
        if (slot !== 'form') form.querySelector<HTMLElement>(`[data-field="${slot}"]`)?.focus();
      } else showFieldError(form, 'form', saveFailure(err, 'the password', { done: 'set' }).summary);
    } finally {
      yes.disabled = false;
    }
  });
  return dialog;
}
