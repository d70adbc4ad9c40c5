// Fills SMTP server, port and security with the chosen provider's settings on the mail profile page.
(function () {
  const provider = document.getElementById('provider');
  const auth = document.getElementById('auth');
  if (!provider || !auth) return;
  const presets = JSON.parse(provider.dataset.presets || '{}');
  const server = document.getElementById('smtpServer');
  const port = document.getElementById('smtpPort');
  const security = document.getElementById('security');
  const knownServers = Object.values(presets).map((preset) => preset.smtpServer);

  function applyPreset() {
    const preset = presets[provider.value];
    if (!preset || auth.value !== 'oauth2') return;
    // A server the administrator typed is kept; an empty one or another provider's preset is replaced.
    if (server.value !== '' && !knownServers.includes(server.value)) return;
    server.value = preset.smtpServer;
    port.value = String(preset.smtpPort);
    security.value = preset.security;
  }

  provider.addEventListener('change', applyPreset);
  auth.addEventListener('change', applyPreset);
})();
