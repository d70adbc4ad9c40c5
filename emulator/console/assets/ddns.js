// Script of the console's DDNS page (/ddns): sends its forms and buttons to the lab API as JSON,
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

  async function post(path, body) {
    let response;
    try {
      response = await fetch(path, { method: 'POST', headers: { Accept: 'application/json', 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
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
    throw new Error(`POST ${path} failed: ${detail}`);
  }

  // Checkboxes become booleans and number fields numbers. An empty field marked data-optional is
  // left out, so the API applies its default.
  function formBody(form) {
    const body = {};
    for (const input of form.querySelectorAll('input, select')) {
      if (!input.name) continue;
      if (input.type === 'checkbox') body[input.name] = input.checked;
      else if (input.type === 'number') body[input.name] = Number(input.value);
      else if (input.value !== '' || !input.hasAttribute('data-optional')) body[input.name] = input.value;
    }
    return body;
  }

  async function send(path, body, control) {
    control.disabled = true;
    try {
      await post(path, body);
      window.location.reload();
    } catch (error) {
      showError(error.message);
      control.disabled = false;
    }
  }

  for (const form of document.querySelectorAll('form[data-api]')) {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      send(form.dataset.api, formBody(form), form.querySelector('button[type="submit"]'));
    });
  }

  for (const button of document.querySelectorAll('button[data-api]')) {
    button.addEventListener('click', () => send(button.dataset.api, JSON.parse(button.dataset.body), button));
  }
})();
