// Script of the vigor-sim lab console page. It keeps the server-rendered page current from the lab
// API every 2 s and wires the clock buttons, the port switches, the reset buttons and the syslog
// tail to the API.
'use strict';

(() => {
  const REFRESH_MS = 2000;
  const CLOCK_TICK_MS = 1000;
  const SYSLOG_KEPT_ROWS = 500;

  const byId = (id) => document.getElementById(id);

  // These formatters match emulator/console/format.ts, which renders the same values on the server.

  function formatDuration(totalSeconds) {
    let rest = Math.max(0, Math.floor(totalSeconds));
    const parts = [];
    for (const [unit, size] of [['d', 86400], ['h', 3600], ['min', 60]]) {
      const count = Math.floor(rest / size);
      rest -= count * size;
      if (count > 0 || parts.length > 0) parts.push(`${count} ${unit}`);
    }
    parts.push(`${rest} s`);
    return parts.join(' ');
  }

  function formatLabTime(ms) {
    return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  }

  function formatWanAddress(port) {
    if (!port) return 'unknown port';
    if (!port.linkUp) return 'no link (cable unplugged)';
    return port.address ? `${port.address.ip}/${port.address.prefixLength}` : 'no address yet';
  }

  function describePort(port) {
    const link = port.linkUp ? `link up at ${port.speedMbps} Mbit/s ${port.fullDuplex ? 'full' : 'half'} duplex` : 'link down (cable unplugged)';
    const action = port.linkUp ? 'pull the cable' : 'plug the cable in';
    return `${port.name}: ${link}; sent ${port.counters.txBytes} bytes, received ${port.counters.rxBytes} bytes. Click to ${action}.`;
  }

  // Lab API calls. Failures become an Error whose message is fit to show on the page.

  async function callApi(method, path, body) {
    const init = { method, headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      throw new Error(`Failed to reach the lab API (${error.message}). Is the lab still running?`);
    }
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!response.ok) {
      const detail = data && data.error && data.error.message ? data.error.message : `HTTP ${response.status} ${response.statusText}`;
      throw new Error(`${method} ${path} failed: ${detail}`);
    }
    return data;
  }

  // Error banner. An error from polling clears itself once polling works again. An error from a
  // button stays until the next button succeeds or the user dismisses it.

  let errorSource = null;

  function showError(source, message) {
    errorSource = source;
    byId('error-text').textContent = message;
    byId('error-banner').hidden = false;
  }

  function clearError(source) {
    if (errorSource !== source) return;
    errorSource = null;
    byId('error-banner').hidden = true;
  }

  byId('error-dismiss').addEventListener('click', () => {
    errorSource = null;
    byId('error-banner').hidden = true;
  });

  // Lab clock. In real mode the shown time runs on between refreshes.

  const clockSection = byId('clock');
  let clockState = { mode: clockSection.dataset.mode, now: Number(clockSection.dataset.now), fetchedAt: Date.now() };

  function showClock() {
    const elapsed = clockState.mode === 'real' ? Date.now() - clockState.fetchedAt : 0;
    const now = clockState.now + elapsed;
    byId('clock-mode').textContent = clockState.mode;
    const time = byId('clock-now');
    time.textContent = formatLabTime(now);
    time.dateTime = new Date(now).toISOString();
    byId('clock-pause').disabled = clockState.mode === 'paused';
    byId('clock-run').disabled = clockState.mode === 'real';
  }

  function updateClock(state) {
    clockState = { mode: state.mode, now: state.now, fetchedAt: Date.now() };
    showClock();
  }

  for (const button of [byId('clock-pause'), byId('clock-run')]) {
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        updateClock(await callApi('POST', '/api/clock/mode', { mode: button.dataset.mode }));
        clearError('action');
      } catch (error) {
        showError('action', error.message);
        showClock();
      }
    });
  }

  const advanceForm = byId('advance-form');
  const advanceButtons = advanceForm.querySelectorAll('button');

  async function advance(seconds, label) {
    const status = byId('clock-status');
    advanceButtons.forEach((button) => { button.disabled = true; });
    status.textContent = `Advancing lab time by ${label}...`;
    try {
      const state = await callApi('POST', '/api/clock/advance', { seconds });
      updateClock(state);
      status.textContent = `Advanced lab time by ${label}; it is now ${formatLabTime(state.now)}.`;
      clearError('action');
      await refresh();
    } catch (error) {
      status.textContent = '';
      showError('action', error.message);
    } finally {
      advanceButtons.forEach((button) => { button.disabled = false; });
    }
  }

  for (const button of advanceForm.querySelectorAll('button[data-advance]')) {
    button.addEventListener('click', () => advance(Number(button.dataset.advance), button.textContent));
  }

  advanceForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const seconds = byId('advance-seconds').valueAsNumber;
    advance(seconds, `${seconds} s`);
  });

  // Routers table and port switches.

  function routerRow(id) {
    return document.querySelector(`#routers tr[data-router="${CSS.escape(id)}"]`);
  }

  function updatePortButton(button, port) {
    button.classList.toggle('port-up', port.linkUp);
    button.classList.toggle('port-down', !port.linkUp);
    button.setAttribute('aria-pressed', String(port.linkUp));
    button.title = describePort(port);
    button.querySelector('.port-state').textContent = port.linkUp ? 'up' : 'down';
  }

  function updateRouter(router) {
    const row = routerRow(router.id);
    if (!row) return;
    const field = (name) => row.querySelector(`[data-field="${name}"]`);
    field('routerName').textContent = router.routerName || '';
    field('firmware').textContent = `${router.firmwareState} (${router.firmwareVersion})`;
    field('uptime').textContent = formatDuration(router.uptimeSeconds);
    for (const port of router.ports) {
      const cell = field(port.name);
      if (cell) cell.textContent = formatWanAddress(port);
      const button = row.querySelector(`button[data-port="${port.name}"]`);
      if (button) updatePortButton(button, port);
    }
  }

  byId('routers').addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-port]');
    if (!button || button.disabled) return;
    const routerId = button.closest('tr').dataset.router;
    const up = button.getAttribute('aria-pressed') !== 'true';
    button.disabled = true;
    try {
      const path = `/api/routers/${encodeURIComponent(routerId)}/ports/${encodeURIComponent(button.dataset.port)}/link`;
      updatePortButton(button, await callApi('POST', path, { up }));
      clearError('action');
      await refresh();
    } catch (error) {
      showError('action', error.message);
    } finally {
      button.disabled = false;
    }
  });

  // Reset buttons. The API replies once the router has booted again, which takes a moment.

  const RESET_RESULTS = { restart: 'restarted', factoryReset: 'restored its factory default settings and restarted' };

  function confirmFactoryReset(routerId, holdSeconds) {
    return window.confirm(`Hold the reset button of ${routerId} for ${holdSeconds} s? The router restores its factory default settings, including the router name and the admin password, and restarts.`);
  }

  async function pressResetButton(button) {
    const row = button.closest('tr');
    const routerId = row.dataset.router;
    const holdSeconds = Number(button.dataset.holdSeconds);
    if (button.dataset.resetAction === 'factoryReset' && !confirmFactoryReset(routerId, holdSeconds)) return;

    const status = byId('routers-status');
    const resetButtons = row.querySelectorAll('button[data-hold-seconds]');
    resetButtons.forEach((resetButton) => { resetButton.disabled = true; });
    status.textContent = `Pressing the reset button of ${routerId} for ${holdSeconds} s and waiting for it to boot...`;
    try {
      const result = await callApi('POST', `/api/routers/${encodeURIComponent(routerId)}/reset-button`, { holdSeconds });
      status.textContent = `${result.router} ${RESET_RESULTS[result.action] || result.action}.`;
      clearError('action');
      await refresh();
    } catch (error) {
      status.textContent = '';
      showError('action', error.message);
    } finally {
      resetButtons.forEach((resetButton) => { resetButton.disabled = false; });
    }
  }

  byId('routers').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-hold-seconds]');
    if (button && !button.disabled) pressResetButton(button);
  });

  // Syslog tail of the selected router, fetched by sequence number so each poll returns only new
  // entries. Sequence numbers keep rising across reboots, so the cursor stays valid.

  const syslogBody = byId('syslog-body');
  const syslogBox = syslogBody.closest('.log');
  const syslogSelect = byId('syslog-router');
  let syslogRouter = syslogBody.dataset.router;
  let lastSeq = Number(syslogBody.dataset.lastSeq) || 0;

  function appendSyslog(entries) {
    const atBottom = syslogBox.scrollHeight - syslogBox.scrollTop - syslogBox.clientHeight < 20;
    for (const entry of entries) {
      // A poll after a button and the regular poll can overlap and return the same entries.
      if (entry.seq <= lastSeq) continue;
      const row = document.createElement('tr');
      row.className = `severity-${entry.severity}`;
      for (const text of [formatLabTime(entry.time), entry.severity, entry.category, entry.message]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      syslogBody.append(row);
      lastSeq = Math.max(lastSeq, entry.seq);
    }
    while (syslogBody.rows.length > SYSLOG_KEPT_ROWS) syslogBody.deleteRow(0);
    if (atBottom) syslogBox.scrollTop = syslogBox.scrollHeight;
  }

  async function pollSyslog() {
    if (!syslogRouter) return;
    const router = syslogRouter;
    const data = await callApi('GET', `/api/routers/${encodeURIComponent(router)}/syslog?after=${lastSeq}&limit=${SYSLOG_KEPT_ROWS}`);
    // Ignore a reply that arrives after the user picked another router.
    if (router === syslogRouter) appendSyslog(data.entries);
  }

  syslogSelect.addEventListener('change', () => {
    syslogRouter = syslogSelect.value;
    lastSeq = 0;
    syslogBody.replaceChildren();
    byId('syslog-download').href = `/api/routers/${encodeURIComponent(syslogRouter)}/syslog.txt`;
    pollSyslog().catch((error) => showError('poll', error.message));
  });

  // Refresh loop: routers, clock and syslog every REFRESH_MS while the tab is visible.

  async function refresh() {
    const [routers, clock] = await Promise.all([callApi('GET', '/api/routers'), callApi('GET', '/api/clock')]);
    routers.routers.forEach(updateRouter);
    updateClock(clock);
    await pollSyslog();
  }

  async function refreshLoop() {
    if (!document.hidden) {
      try {
        await refresh();
        clearError('poll');
      } catch (error) {
        showError('poll', error.message);
      }
    }
    setTimeout(refreshLoop, REFRESH_MS);
  }

  syslogBox.scrollTop = syslogBox.scrollHeight;
  setInterval(showClock, CLOCK_TICK_MS);
  setTimeout(refreshLoop, REFRESH_MS);
})();
