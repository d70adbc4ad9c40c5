// Live parts of every console page, fed by the Server-Sent Events of GET /api/events: the lab time
// in each [data-lab-time] element, the front panels (LEDs, sockets, WAN controls, sensors) and new
// rows of the timeline page.
'use strict';

(() => {
  const formatLabTime = (ms) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

  function status(message, isError) {
    const element = document.getElementById('front-panels-status') || document.getElementById('live-status');
    if (!element) return;
    element.textContent = message;
    element.classList.toggle('status-error', Boolean(isError));
  }

  async function callApi(method, path, body) {
    const init = { method, headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) throw new Error((data && data.error && data.error.message) || `${method} ${path} failed with HTTP ${response.status}`);
    return data;
  }

  function act(label, work) {
    status(`${label}...`, false);
    work().then(
      () => status(`${label}: done.`, false),
      (error) => status(`${label} failed: ${error.message}`, true),
    );
  }

  // Lab time.

  function showClock(state) {
    for (const element of document.querySelectorAll('[data-lab-time]')) {
      element.textContent = formatLabTime(state.now);
      element.setAttribute('datetime', new Date(state.now).toISOString());
    }
    for (const element of document.querySelectorAll('[data-lab-clock-mode]')) element.textContent = state.mode;
  }

  // Front panels.

  function panelOf(routerId) {
    return document.querySelector(`.front-panel[data-router="${CSS.escape(routerId)}"]`);
  }

  function showRouter(router) {
    const panel = panelOf(router.id);
    if (!panel) return;
    for (const [name, state] of Object.entries(router.leds)) {
      const led = panel.querySelector(`[data-led="${name}"]`);
      if (!led) continue;
      led.setAttribute('class', `led led-${state}`);
      led.querySelector('title').textContent = `${name} LED: ${state}`;
    }
    for (const port of router.ports) {
      const socket = panel.querySelector(`[data-socket="${port.name}"]`);
      if (!socket) continue;
      socket.setAttribute('class', `socket ${port.linkUp ? 'socket-plugged' : 'socket-empty'}`);
      socket.setAttribute('aria-pressed', String(port.linkUp));
      const address = port.address ? `, address ${port.address.ip}/${port.address.prefixLength}` : '';
      socket.querySelector('title').textContent = `${port.name}: ${port.linkUp ? `cable plugged in${address}; click to pull it` : 'no cable; click to plug one in'}`;
    }
    for (const [name, value] of Object.entries(router.sensors || {})) {
      const output = panel.querySelector(`[data-sensor="${name}"]`);
      const input = panel.querySelector(`input[name="${name}"]`);
      if (output) output.textContent = String(value);
      if (input && document.activeElement !== input) input.value = String(value);
    }
  }

  function wirePanels() {
    for (const panel of document.querySelectorAll('.front-panel')) {
      const routerId = panel.dataset.router;
      for (const socket of panel.querySelectorAll('[data-socket]')) {
        const toggle = () => {
          const up = socket.getAttribute('aria-pressed') !== 'true';
          const port = socket.dataset.socket;
          act(`${up ? 'Plugging in' : 'Pulling'} the ${port} cable of ${routerId}`, () => callApi('POST', `/api/routers/${routerId}/ports/${port}/link`, { up }));
        };
        socket.addEventListener('click', toggle);
        socket.addEventListener('keydown', (event) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            toggle();
          }
        });
      }
      for (const button of panel.querySelectorAll('[data-wan-action]')) {
        const wan = button.dataset.wan;
        const base = `/api/routers/${routerId}/wan/${wan}`;
        button.addEventListener('click', () => {
          if (button.dataset.wanAction === 'renumber') {
            // One reconnect with a new address; the line's newAddressOnReconnect stays as it is.
            act(`New address for ${routerId} ${wan}`, () => callApi('POST', `${base}/renumber`));
            return;
          }
          const outage = button.getAttribute('aria-pressed') !== 'true';
          act(`ISP outage ${outage ? 'on' : 'off'} for ${routerId} ${wan}`, async () => {
            const line = await callApi('POST', `${base}/line`, { outage });
            button.setAttribute('aria-pressed', String(line.outage));
            button.textContent = `${wan}: ISP outage ${line.outage ? 'on' : 'off'}`;
          });
        });
      }
      for (const input of panel.querySelectorAll('form.sensors input')) {
        input.addEventListener('input', () => {
          const output = panel.querySelector(`[data-sensor="${input.name}"]`);
          if (output) output.textContent = input.value;
        });
        input.addEventListener('change', () => {
          act(`Setting ${input.name} of ${routerId} to ${input.value}`, () => callApi('POST', `/api/routers/${routerId}/sensors`, { [input.name]: Number(input.value) }));
        });
      }
    }
  }

  // Timeline page: new events are added at the top when they match the filter in the form.

  function showTimelineEvent(event) {
    const body = document.getElementById('timeline-body');
    if (!body) return;
    const router = body.dataset.router || '';
    const protocol = body.dataset.protocol || '';
    if ((router && event.router !== router) || (protocol && event.protocol !== protocol)) return;
    const row = document.createElement('tr');
    const cells = [formatLabTime(event.time), event.protocol, event.router || '', event.from || '', event.to || ''];
    for (const text of cells) {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.append(cell);
    }
    const summary = document.createElement('td');
    const link = document.createElement('a');
    link.href = `/timeline/${event.seq}`;
    link.textContent = event.summary;
    summary.append(link);
    row.append(summary);
    body.prepend(row);
  }

  wirePanels();
  const source = new EventSource('/api/events');
  source.addEventListener('clock', (message) => showClock(JSON.parse(message.data)));
  source.addEventListener('router', (message) => showRouter(JSON.parse(message.data)));
  source.addEventListener('timeline', (message) => showTimelineEvent(JSON.parse(message.data)));
  source.addEventListener('error', () => status('The live connection to the lab dropped; the browser reconnects on its own.', true));
})();
