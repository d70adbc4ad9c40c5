// Script of the fault catalogue page: each Switch on / Switch off button sends the lab API request
// in its data-request attribute, with the {name} placeholders filled from the fields of its form.
// The router selector fills those fields with the values of GET /api/routers/{id}/fault-parameters.
'use strict';

(() => {
  function fill(text, values, encode) {
    return text.replace(/\{(\w+)\}/g, (whole, name) => {
      if (!(name in values)) return whole;
      return encode ? encodeURIComponent(values[name]) : values[name];
    });
  }

  async function send(request, values) {
    const path = fill(request.path, values, true);
    const init = { method: request.method, headers: { Accept: 'application/json' } };
    if (request.body) {
      const body = {};
      for (const [key, value] of Object.entries(request.body)) body[key] = typeof value === 'string' ? fill(value, values, false) : value;
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) throw new Error((data && data.error && data.error.message) || `${request.method} ${path} failed with HTTP ${response.status}`);
    return { path, data };
  }

  const routerSelect = document.getElementById('fault-router-select');
  const routerStatus = document.getElementById('fault-router-status');
  if (routerSelect) {
    routerSelect.addEventListener('change', async () => {
      const router = routerSelect.value;
      routerStatus.textContent = `Reading the parameters of ${router}...`;
      routerStatus.classList.remove('status-error');
      try {
        const path = `/api/routers/${encodeURIComponent(router)}/fault-parameters`;
        const response = await fetch(path, { headers: { Accept: 'application/json' } });
        const data = await response.json();
        if (!response.ok) throw new Error((data && data.error && data.error.message) || `GET ${path} failed with HTTP ${response.status}`);
        // An empty value (no app yet) clears the field, so no card keeps another router's ID.
        for (const [name, value] of Object.entries(data.parameters)) {
          for (const input of document.querySelectorAll(`.fault-form input[name="${name}"]`)) input.value = value;
        }
        routerStatus.textContent = `The fields now name ${router}.`;
      } catch (error) {
        routerStatus.textContent = `Failed to read the parameters of ${router}: ${error.message}`;
        routerStatus.classList.add('status-error');
      }
    });
  }

  for (const section of document.querySelectorAll('.fault')) {
    const form = section.querySelector('form');
    const status = section.querySelector('.status');
    for (const button of section.querySelectorAll('[data-switch]')) {
      button.addEventListener('click', async () => {
        if (!form.reportValidity()) return;
        const values = Object.fromEntries(new FormData(form).entries());
        status.textContent = `Switching ${button.dataset.switch}...`;
        status.classList.remove('status-error');
        try {
          const { path, data } = await send(JSON.parse(button.dataset.request), values);
          // A new client secret is shown once, as Entra does, because the trainee must enter it in the router.
          const secret = data && typeof data.value === "string" ? ` New secret value: ${data.value}` : '';
          status.textContent = `Switched ${button.dataset.switch} (${path}).${secret}`;
        } catch (error) {
          status.textContent = `Failed to switch ${button.dataset.switch}: ${error.message}`;
          status.classList.add('status-error');
        }
      });
    }
  }
})();
