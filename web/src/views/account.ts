// The signed-in user's own account (every role): who they are, and changing their password
// (POST /api/me/password). The server checks the current password and the rules and ends every
// session of the user; the response carries a new session for this browser, so the user stays
// signed in here and is signed out everywhere else.

import type { App } from '../app';
import { MIN_PASSWORD_CHARS, errorFieldKey, passwordChangeProblems } from '../api';
import { clearFieldErrors, clearSaveFailure, failureSlot, field, h, showFieldError, showSaveFailure } from '../ui/dom';

export function accountView(app: App): Node {
  const user = app.user!;
  // A (hidden) username field lets password managers tie the new password to this account.
  const username = h('input', { type: 'text', name: 'username', autocomplete: 'username', value: user.username, hidden: true, readonly: true, tabindex: -1 });
  const current = h('input', { type: 'password', id: 'current-password', name: 'current-password', autocomplete: 'current-password', required: true });
  const next = h('input', { type: 'password', id: 'new-password', name: 'new-password', autocomplete: 'new-password', required: true, minlength: MIN_PASSWORD_CHARS });
  const repeat = h('input', { type: 'password', id: 'repeat-password', name: 'repeat-password', autocomplete: 'new-password', required: true, minlength: MIN_PASSWORD_CHARS });
  const button = h('button', { type: 'submit', class: 'primary', id: 'change-password' }, 'Change my password');
  const done = h('div', { role: 'status', id: 'password-message', 'aria-live': 'polite' });
  const form = h('form', { class: 'form-grid', 'aria-label': 'Change my password', novalidate: true },
    username,
    field('Current password', current, { key: 'current_password', wide: true }),
    field('New password', next, { key: 'new_password', hint: `At least ${MIN_PASSWORD_CHARS} characters, different from the current one.` }),
    field('New password again', repeat, { key: 'repeat_password' }),
    h('div', { class: 'field-error wide', 'data-error-for': 'form', role: 'alert' }),
    h('div', { class: 'actions wide' }, button),
    failureSlot());

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    clearSaveFailure(form);
    done.replaceChildren();
    const problems = passwordChangeProblems(current.value, next.value, repeat.value);
    if (problems.length) {
      for (const p of problems) showFieldError(form, p.field, p.message);
      form.querySelector<HTMLElement>(`[data-field="${problems[0].field}"]`)?.focus();
      return;
    }
    button.disabled = true;
    try {
      app.user = await app.api.changePassword(current.value, next.value);
      form.reset();
      username.value = app.user.username;
      done.replaceChildren(h('p', { class: 'saved-note' },
        'Your password has been changed. Every other session of yours (other browsers and devices) has been signed out; ',
        'this browser stays signed in. Use the new password from now on.'));
    } catch (err) {
      const f = showSaveFailure(form, err, 'your password', { done: 'changed', fieldOf: errorFieldKey });
      if (f.field) form.querySelector<HTMLElement>(`[data-field="${CSS.escape(f.field)}"]`)?.focus();
    } finally {
      button.disabled = false;
    }
  });

  return h('div', { class: 'page' },
    h('h1', null, 'My account'),
    h('section', { class: 'panel narrow' },
      h('dl', { class: 'facts' },
        h('dt', null, 'Name'), h('dd', { id: 'account-name' }, user.display_name || '—'),
        h('dt', null, 'Username'), h('dd', null, user.username),
        h('dt', null, 'Role'), h('dd', null, user.role))),
    h('section', { class: 'panel narrow', 'aria-labelledby': 'password-title' },
      h('h2', { id: 'password-title' }, 'Change my password'),
      h('p', { class: 'muted small' }, 'Changing it signs you out everywhere else (other browsers and devices); this browser stays signed in.'),
      form,
      done));
}
