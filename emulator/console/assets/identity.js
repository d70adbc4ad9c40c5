// Script of the console's identity page (/identity): sends each button's lab API request as JSON,
// then reloads the page so that it shows the new state.
'use strict';

(() => {
  const byId = (id) => document.getElementById(id);

  function showError(message) {
    byId('error-text').textContent = message;
    byId('error-banner').hidden = false;
  }

  byId('error-dismiss').addEventListener('click', () => {
    byId('error-banner').hidden = true;
  });

  async function send(method, path, body) {
    const init = { method, headers: { Accept: 'application/json' } };
    // Action routes take no body; the others take JSON, which also keeps other sites from posting.
    if (body !== '') {
      init.headers['Content-Type'] = 'application/json';
      init.body = body;
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      throw new Error(`Failed to reach the lab API (${error.message}). Is the lab still running?`);
    }
    if (response.ok) return;
    let detail = `HTTP ${response.status} ${response.statusText}`;
    try {
      const data = await response.json();
      if (data && data.error && data.error.message) detail = data.error.message;
    } catch {
      // The body was not JSON; the status line is all there is to show.
    }
    throw new Error(`${method} ${path} failed: ${detail}`);
  }

  document.addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-api-path]');
    if (!button) return;
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
    button.disabled = true;
    try {
      await send(button.dataset.apiMethod, button.dataset.apiPath, button.dataset.apiBody);
      window.location.reload();
    } catch (error) {
      showError(error.message);
      button.disabled = false;
    }
  });
})();
