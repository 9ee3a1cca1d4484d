// jitgate portal: keeps server-rendered pages live. Countdowns tick every second; any access
// event on /api/v1/events (or a countdown running out) re-fetches the page and swaps <main>,
// keeping what the person was typing. Without this script every page still works as is.
// Plain browser JavaScript, no dependencies; every failure is quiet and retried later.
/* global document, window, location, EventSource, DOMParser, CSS */
(() => {
  'use strict';

  const EVENT_TYPES = ['request.created', 'request.updated', 'grant.started', 'grant.ended'];
  /** Refreshes after a countdown ran out, per end time: the server may lag a sweep or two. */
  const expiryRefreshes = new Map();
  const MAX_EXPIRY_REFRESHES = 5;

  const pad = (n) => String(n).padStart(2, '0');

  /** 725000 → "12m 05s"; the same wording the server renders. */
  function remaining(ms) {
    if (ms <= 0) return 'expired';
    const total = Math.ceil(ms / 1000);
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = pad(total % 60);
    return h > 0 ? `${h}h ${pad(m)}m ${s}s` : `${m}m ${s}s`;
  }

  function tick() {
    const now = Date.now();
    for (const el of document.querySelectorAll('[data-ends-at]')) {
      const endsAt = el.getAttribute('data-ends-at');
      const end = Date.parse(endsAt);
      if (Number.isNaN(end)) continue;
      const text = remaining(end - now);
      if (el.textContent !== text) el.textContent = text;
      if (end <= now) {
        // Ask the server for the real state once it has ended the grant, a few times at most.
        const tries = expiryRefreshes.get(endsAt) ?? 0;
        if (tries < MAX_EXPIRY_REFRESHES && !el.hasAttribute('data-expired')) {
          el.setAttribute('data-expired', '');
          expiryRefreshes.set(endsAt, tries + 1);
          scheduleRefresh(500 + tries * 1000, true);
        }
      }
    }
  }

  function localize(root) {
    let zone = 'local time';
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || zone;
    } catch {
      // keep the generic wording
    }
    for (const el of root.querySelectorAll('[data-tz]')) el.textContent = zone;
  }

  /** Values typed into forms that differ from what the server rendered, and the focus. */
  function saveTyping(main) {
    const fields = [];
    for (const el of main.querySelectorAll('form[data-form] [name]')) {
      if (el.type === 'hidden' || el.type === 'submit') continue;
      const edited =
        el.tagName === 'SELECT'
          ? Array.from(el.options).some((o) => o.selected !== o.defaultSelected)
          : el.value !== el.defaultValue;
      if (edited) fields.push([el.form.getAttribute('data-form'), el.name, el.value]);
    }
    const open = Array.from(main.querySelectorAll('details[open] form[data-form]'), (f) =>
      f.getAttribute('data-form'),
    );
    const active = document.activeElement;
    const focus =
      active && main.contains(active) && active.form && active.name
        ? [active.form.getAttribute('data-form'), active.name]
        : null;
    return { fields, open, focus };
  }

  function fieldOf(main, form, name) {
    return main.querySelector(`form[data-form="${CSS.escape(form)}"] [name="${CSS.escape(name)}"]`);
  }

  function restoreTyping(main, saved) {
    for (const [form, name, value] of saved.fields) {
      const el = fieldOf(main, form, name);
      if (!el) continue;
      if (el.tagName === 'SELECT' && !Array.from(el.options).some((o) => o.value === value))
        continue;
      el.value = value;
    }
    for (const form of saved.open) {
      const details = main
        .querySelector(`form[data-form="${CSS.escape(form)}"]`)
        ?.closest('details');
      if (details) details.open = true;
    }
    if (saved.focus) fieldOf(main, saved.focus[0], saved.focus[1])?.focus();
  }

  function swap(main, next, keepFlash) {
    // The session shows a flash once, so the re-fetched page has none: keep the old one on
    // screen unless an access event made it stale.
    const flash = main.querySelector('#flash');
    const nextFlash = next.querySelector('#flash');
    if (keepFlash && flash && nextFlash && !nextFlash.textContent.trim())
      nextFlash.outerHTML = flash.outerHTML;
    const saved = saveTyping(main);
    main.innerHTML = next.innerHTML;
    restoreTyping(main, saved);
    localize(main);
    tick();
  }

  let timer;
  let busy = false;
  let again = false;
  /** Whether something happened since the page was rendered (then its flash is old news). */
  let changed = false;

  function scheduleRefresh(delay = 150, event = false) {
    changed ||= event;
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void refresh(), delay);
  }

  async function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      // Marked as a script's fetch (browsers also say so in Sec-Fetch-Mode): only the page a
      // person lands on takes the one-shot flash, never this re-fetch (proxy/shared/navigation.ts).
      const res = await fetch(location.href, {
        headers: { accept: 'text/html', 'x-requested-with': 'jitgate-portal' },
        credentials: 'same-origin',
        cache: 'no-store',
      });
      // Signed out or sent elsewhere: leave the page as it is rather than swap in another one.
      if (!res.ok || new URL(res.url).pathname !== location.pathname) return;
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      const next = doc.querySelector('main');
      const main = document.querySelector('main');
      if (next && main) {
        swap(main, next, !changed);
        changed = false;
      }
    } catch {
      // Offline or the server restarting: the next event or countdown tries again.
    } finally {
      busy = false;
      if (again) {
        again = false;
        scheduleRefresh();
      }
    }
  }

  let retryMs = 2000;

  function listen() {
    if (typeof EventSource !== 'function') return;
    let source;
    try {
      source = new EventSource('/api/v1/events');
    } catch {
      return;
    }
    const onEvent = () => scheduleRefresh(150, true);
    for (const type of EVENT_TYPES) source.addEventListener(type, onEvent);
    source.onmessage = onEvent;
    // Something may have changed between rendering and connecting (or while disconnected).
    source.onopen = () => {
      retryMs = 2000;
      scheduleRefresh();
    };
    source.onerror = () => {
      // The browser reconnects by itself unless the stream was refused (no such route yet,
      // signed out): then try again later, backing off, without bothering anyone.
      if (source.readyState !== EventSource.CLOSED) return;
      window.setTimeout(listen, retryMs);
      retryMs = Math.min(retryMs * 2, 60000);
    };
  }

  // The scheduled start is typed in local time; send the exact instant alongside it.
  document.addEventListener('submit', (event) => {
    const form = event.target;
    const local = form.querySelector?.('[data-local-time]');
    const iso = form.querySelector?.('[name="startAtIso"]');
    if (!local || !iso) return;
    const when = local.value ? new Date(local.value) : null;
    iso.value = when && !Number.isNaN(when.getTime()) ? when.toISOString() : '';
  });

  // /mfa/resume sends the form again after a step-up. The page is being left: nothing to keep
  // live, and a re-fetch of it would only race the form's answer.
  const resume = document.querySelector('form[data-autosubmit]');
  if (resume) {
    resume.submit();
    return;
  }
  localize(document);
  tick();
  window.setInterval(tick, 1000);
  listen();
})();
