// The web terminal and the auditors' live view: xterm.js over the portal's WebSocket. Served by
/* global document, location, window, Terminal, FitAddon */
// jitgate (CSP script-src 'self'); the page says which mode in data attributes of #terminal.
// Output arrives as binary frames, control messages (ready, resize, ended) as JSON text.
(() => {
  'use strict';
  const box = document.getElementById('terminal');
  const status = document.getElementById('terminal-status');
  if (!box || !status || typeof Terminal !== 'function') return;
  const session = box.dataset.mode === 'session';
  const term = new Terminal({
    cursorBlink: session,
    disableStdin: !session,
    scrollback: 5000,
    fontSize: 14,
    fontFamily: 'ui-monospace, Menlo, Consolas, monospace',
  });
  const fit = new FitAddon.FitAddon();
  term.loadAddon(fit);
  term.open(box);
  if (session) fit.fit();

  const say = (text, state) => {
    status.textContent = text;
    box.dataset.state = state;
    status.dataset.state = state;
  };
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = session
    ? `${scheme}//${location.host}/terminal/${encodeURIComponent(box.dataset.resource)}/ws?` +
      new URLSearchParams({ login: box.dataset.login || '', cols: term.cols, rows: term.rows })
    : `${scheme}//${location.host}/sessions/${encodeURIComponent(box.dataset.session)}/live`;
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  const encoder = new TextEncoder();
  let ended = false;

  say('Connecting…', 'connecting');
  ws.onmessage = (event) => {
    if (typeof event.data !== 'string') return term.write(new Uint8Array(event.data));
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (message.type === 'ready') {
      if (!session) term.resize(message.cols, message.rows);
      const until = new Date(message.endsAt).toLocaleTimeString();
      const recorded = message.recording ? 'recorded' : 'not recorded';
      say(
        session
          ? `Connected to ${message.resource} as ${message.login} · ${recorded} · access until ${until}`
          : `Watching live (read-only) · ${message.resource} as ${message.login}`,
        'ready',
      );
      if (session) term.focus();
    } else if (message.type === 'resize' && !session) {
      term.resize(message.cols, message.rows);
    } else if (message.type === 'ended') {
      ended = true;
      say(message.message, 'ended');
    }
  };
  ws.onclose = () => {
    term.options.disableStdin = true;
    term.options.cursorBlink = false;
    if (!ended)
      say(
        session
          ? 'Could not open the session, or the connection was lost. Reload to try again.'
          : 'The session is not running any more. Reload to play its recording.',
        'ended',
      );
  };
  if (!session) return;
  term.onData((data) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(encoder.encode(data));
  });
  term.onResize(({ cols, rows }) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'resize', cols, rows }));
  });
  window.addEventListener('resize', () => fit.fit());
})();
