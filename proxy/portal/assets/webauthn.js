// The passkey ceremonies of /mfa/webauthn/enroll and /mfa/webauthn/verify. Served by jitgate
/* global document, location */
// (CSP script-src 'self'); the page says which ceremony in data attributes of #webauthn. The
// server issues the options (a single-use challenge for this session), the browser asks the
// authenticator, the server verifies the answer and says where to go next.
(() => {
  'use strict';
  const box = document.getElementById('webauthn');
  const form = document.getElementById('webauthn-form');
  const status = document.getElementById('webauthn-status');
  if (!box || !form || !status) return;
  const { mode, csrf, rd } = box.dataset;
  const base = mode === 'enroll' ? '/mfa/webauthn/enroll' : '/mfa/webauthn/verify';

  const say = (text, state) => {
    status.textContent = text;
    status.dataset.state = state;
  };

  const post = async (path, body) => {
    const response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ _csrf: csrf, rd, ...body }),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok)
      throw new Error((data.error && data.error.message) || `refused (${response.status})`);
    return data;
  };

  const showRecoveryCodes = (codes, next) => {
    const done = document.getElementById('webauthn-done');
    const list = document.getElementById('recovery-codes');
    const link = document.getElementById('mfa-continue');
    if (!done || !list || !link) return location.assign(next);
    for (const code of codes) {
      const item = document.createElement('li');
      const text = document.createElement('code');
      text.className = 'recovery-code';
      text.textContent = code;
      item.append(text);
      list.append(item);
    }
    link.href = next;
    form.hidden = true;
    done.hidden = false;
  };

  const run = async () => {
    const api = globalThis.SimpleWebAuthnBrowser;
    if (!api || !api.browserSupportsWebAuthn()) {
      say('This browser does not support passkeys.', 'error');
      return;
    }
    const button = form.querySelector('button');
    if (button) button.disabled = true;
    try {
      say('Waiting for your passkey or security key…', 'waiting');
      const options = await post(`${base}/options`, {});
      const name = form.elements.namedItem('name');
      if (mode === 'enroll') {
        const answer = await api.startRegistration({ optionsJSON: options });
        const result = await post(base, { response: answer, name: name ? name.value : '' });
        say(`"${result.name}" is now a second factor of yours.`, 'done');
        if (result.recoveryCodes) showRecoveryCodes(result.recoveryCodes, result.redirect);
        else location.assign(result.redirect);
      } else {
        const answer = await api.startAuthentication({ optionsJSON: options });
        const result = await post(base, { response: answer });
        say('Verified.', 'done');
        location.assign(result.redirect);
      }
    } catch (error) {
      say(error && error.message ? error.message : 'That did not work.', 'error');
      if (button) button.disabled = false;
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void run();
  });
})();
