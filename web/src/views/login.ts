// Log in. The server answers 401 for a wrong password and 429 after repeated failures; both
// messages are shown as the server words them.

import type { App } from '../app';
import { ApiError } from '../api';
import { saveFailure } from '../save-failure';
import { h } from '../ui/dom';

export function loginView(app: App): Node {
  const username = h('input', { id: 'login-username', name: 'username', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('div', { class: 'field-error', role: 'alert', id: 'login-error' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Log in');
  const form = h('form', { class: 'login-card', 'aria-labelledby': 'login-title' },
    h('div', { class: 'brand big' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'dermaplan'),
    h('h1', { id: 'login-title' }, 'Log in'),
    h('div', { class: 'field' }, h('label', { for: username.id }, 'Username'), username),
    h('div', { class: 'field' }, h('label', { for: password.id }, 'Password'), password),
    error,
    button,
    h('p', { class: 'notice' }, 'dermaplan supports a qualified practitioner’s decisions on microneedling; it does not make them.'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    button.disabled = true;
    try {
      const user = await app.api.login(username.value.trim(), password.value);
      await app.signedIn(user);
    } catch (err) {
      // A refusal (wrong password, too many tries) as the server words it; anything else said plainly.
      error.textContent = err instanceof ApiError && err.kind === 'server' ? err.message
        : saveFailure(err, 'you', { notDone: 'You are not logged in', unknown: 'whether you are logged in' }).summary;
      password.select();
    } finally {
      button.disabled = false;
    }
  });
  return h('div', { class: 'login-page' }, form);
}
