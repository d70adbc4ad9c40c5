// Guided walkthrough and trainer view: reloads the #walkthrough-live part of the page from the
// server whenever GET /api/events reports a change, so the checklist follows the lab's state.
'use strict';

(() => {
  const live = document.getElementById('walkthrough-live');
  if (!live) return;

  // A burst of events (an SMTP session, a DDNS update) causes one reload, after this many ms.
  const SETTLE_MS = 250;
  // Changes without an event of their own (a saved router setting) show up within this many ms.
  const CLOCK_REFRESH_MS = 3000;
  let timer = null;
  let loading = false;
  let lastLoad = Date.now();

  async function reload() {
    timer = null;
    if (loading) return;
    loading = true;
    lastLoad = Date.now();
    try {
      const response = await fetch(window.location.href, { headers: { Accept: 'text/html' } });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), 'text/html');
      const fresh = page.getElementById('walkthrough-live');
      if (fresh) live.innerHTML = fresh.innerHTML;
    } finally {
      loading = false;
    }
  }

  function schedule() {
    if (timer === null) timer = setTimeout(reload, SETTLE_MS);
  }

  const source = new EventSource('/api/events');
  source.addEventListener('router', schedule);
  source.addEventListener('timeline', schedule);
  source.addEventListener('clock', () => {
    if (Date.now() - lastLoad >= CLOCK_REFRESH_MS) schedule();
  });
})();
