// Script of the lab page (/lab): restores a snapshot file and resets the lab to factory, showing
// the progress and the lab API's reply. The download is a plain link to GET /api/lab/snapshot.
'use strict';

(() => {
  async function send(method, path, body) {
    const response = await fetch(path, { method, headers: { Accept: 'application/json', 'Content-Type': 'application/json' }, body });
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!response.ok) throw new Error((data && data.error && data.error.message) || `${method} ${path} failed with HTTP ${response.status}`);
    return data;
  }

  // The same form as the console's other lab times (format.ts formatLabTime): 2026-05-01 12:00:00 UTC.
  function formatLabTime(ms) {
    return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  }

  function show(status, text, failed) {
    status.textContent = text;
    status.classList.toggle('status-error', failed);
  }

  const restoreForm = document.getElementById('lab-restore-form');
  if (restoreForm) {
    const status = document.getElementById('lab-restore-status');
    restoreForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const file = document.getElementById('lab-restore-file').files[0];
      if (!file) return;
      const buttons = restoreForm.querySelectorAll('button');
      buttons.forEach((button) => { button.disabled = true; });
      show(status, `Uploading ${file.name} (${Math.ceil(file.size / 1024)} kB) and restoring; services and routers restart...`, false);
      try {
        const result = await send('POST', '/api/lab/restore', file);
        show(status, `Restored ${result.files} files for ${result.routers.join(', ')}. Lab time is now ${formatLabTime(result.labTime)}.`, false);
      } catch (error) {
        show(status, `Restore failed: ${error.message}`, true);
      } finally {
        buttons.forEach((button) => { button.disabled = false; });
      }
    });
  }

  const resetButton = document.getElementById('lab-reset-button');
  const resetStatus = document.getElementById('lab-reset-status');
  resetButton.addEventListener('click', async () => {
    if (!window.confirm('Reset the whole lab to factory? Every router setting, mailbox, tenant change and DDNS account change is lost.')) return;
    resetButton.disabled = true;
    show(resetStatus, 'Resetting; services and routers restart...', false);
    try {
      const result = await send('POST', '/api/lab/reset', JSON.stringify({ confirm: true }));
      show(resetStatus, `Reset done: ${result.routers.join(', ')} run with factory defaults.`, false);
    } catch (error) {
      show(resetStatus, `Reset failed: ${error.message}`, true);
    } finally {
      resetButton.disabled = false;
    }
  });
})();
