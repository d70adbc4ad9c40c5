// SMTP transcript page: sends the form as JSON to POST /api/mail/transcripts and renders the lines.
'use strict';

(function () {
  const form = document.getElementById('transcript-form');
  const status = document.getElementById('transcript-status');
  const outcome = document.getElementById('transcript-outcome');
  const body = document.getElementById('transcript-body');

  function requestBody() {
    const data = new FormData(form);
    const [host, port] = String(data.get('server')).split(/:(?=\d+$)/);
    const mechanism = String(data.get('mechanism'));
    const auth = { mechanism };
    if (mechanism !== 'none') auth.user = String(data.get('user')).trim();
    if (mechanism === 'XOAUTH2') auth.token = String(data.get('token')).trim();
    if (mechanism === 'LOGIN' || mechanism === 'PLAIN') auth.password = String(data.get('password'));
    const request = { host, port: Number(port), auth };
    if (data.get('send')) {
      request.message = {
        from: String(data.get('from')).trim(),
        to: String(data.get('to')).split(',').map((address) => address.trim()).filter(Boolean),
        subject: String(data.get('subject')),
        text: String(data.get('text')),
      };
    }
    return request;
  }

  function cell(text, className) {
    const element = document.createElement('td');
    element.textContent = text;
    if (className) element.className = className;
    return element;
  }

  function render(transcript) {
    body.replaceChildren();
    for (const line of transcript.lines) {
      const row = document.createElement('tr');
      row.className = `line-${line.from}`;
      const sides = { client: 'C:', server: 'S:', tls: 'TLS' };
      const side = sides[line.from];
      row.append(cell(String(line.ms)), cell(side), cell(line.text === '' ? '(empty line)' : line.text, 'wire'), cell(line.decoded || ''));
      body.append(row);
    }
    const outcomes = { sent: 'Message sent.', authenticated: 'Authenticated.', connected: 'Connected.', failed: `Stopped: ${transcript.error}` };
    outcome.textContent = `${transcript.host}:${transcript.port}: ${outcomes[transcript.outcome]}`;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.textContent = 'Running...';
    try {
      const response = await fetch('/api/mail/transcripts', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(requestBody()) });
      const reply = await response.json();
      if (!response.ok) {
        status.textContent = reply.error ? reply.error.message : `HTTP ${response.status}`;
        return;
      }
      status.textContent = '';
      render(reply);
    } catch (error) {
      status.textContent = `The lab did not answer: ${error.message}`;
    }
  });
})();
