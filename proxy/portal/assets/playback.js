// Playback of a recorded terminal session for auditors: asciinema-player (seek, speed) and a
// search over the recording's output that jumps the player to where a match was printed.
/* global document, AsciinemaPlayer */
(() => {
  'use strict';
  const box = document.getElementById('player');
  if (!box || typeof AsciinemaPlayer !== 'object') return;
  const form = document.getElementById('cast-search');
  const results = document.getElementById('search-results');
  const speed = document.getElementById('speed');
  const status = document.getElementById('player-status');
  // CSI, OSC, other ESC sequences and carriage returns: what a reader does not see as text.
  const CONTROL =
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|[\r\x07]/g;
  let player;
  let cast = '';
  const index = { text: '', starts: [], times: [] };

  const clock = (t) => {
    const s = Math.floor(t);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  };

  function build(text) {
    const lines = text.split('\n').slice(1);
    for (const line of lines) {
      if (!line.trim()) continue;
      let event;
      try {
        event = JSON.parse(line);
      } catch {
        continue;
      }
      if (!Array.isArray(event) || event[1] !== 'o' || typeof event[2] !== 'string') continue;
      index.starts.push(index.text.length);
      index.times.push(event[0]);
      index.text += event[2].replace(CONTROL, '');
    }
  }

  /** Time of the output event that printed character `at`. */
  function timeAt(at) {
    let lo = 0;
    let hi = index.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (index.starts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return index.times[lo] || 0;
  }

  function create(startAt) {
    if (player) player.dispose();
    player = AsciinemaPlayer.create({ data: cast }, box, {
      controls: true,
      preload: true,
      fit: 'width',
      idleTimeLimit: 2,
      speed: Number(speed ? speed.value : 1) || 1,
      startAt,
    });
  }

  function search(term) {
    results.replaceChildren();
    const haystack = index.text.toLowerCase();
    const needle = term.toLowerCase();
    let found = 0;
    for (
      let at = haystack.indexOf(needle);
      at !== -1 && found < 50;
      at = haystack.indexOf(needle, at + 1)
    ) {
      found++;
      const time = timeAt(at);
      const item = document.createElement('li');
      const jump = document.createElement('button');
      jump.type = 'button';
      jump.className = 'secondary jump';
      jump.dataset.time = String(time);
      jump.textContent = clock(time);
      const context = index.text.slice(Math.max(0, at - 30), at + needle.length + 30);
      item.append(jump, ' ', context.replace(/\s+/g, ' '));
      jump.addEventListener('click', () => {
        void player.seek(time).then(() => {
          status.textContent = `Jumped to ${clock(time)}`;
          status.dataset.time = String(time);
        });
      });
      results.append(item);
    }
    status.textContent = found ? `${found} match${found === 1 ? '' : 'es'}` : 'No match';
  }

  fetch(box.dataset.cast, { credentials: 'same-origin' })
    .then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.text();
    })
    .then((text) => {
      cast = text;
      build(text);
      create(0);
      box.dataset.state = 'ready';
    })
    .catch((error) => {
      status.textContent = `The recording could not be loaded (${error.message}).`;
    });
  if (form)
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const term = new FormData(form).get('q');
      if (typeof term === 'string' && term.trim()) search(term.trim());
    });
  if (speed) speed.addEventListener('change', () => create(player ? player.getCurrentTime() : 0));
})();
