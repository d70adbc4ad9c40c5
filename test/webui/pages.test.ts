import type { Lab } from '../../emulator';
import { menuPages } from '../../webui/menu';
import { managementForm } from '../helpers/forms';
import { loginAgent, pageToken, routerOrigin, startTestLab, tempDir } from '../helpers/lab';

const PLANTED_SECRET = 'Planted-PPPoE-Secret-42';

let lab: Lab;
let url: string;

beforeAll(async () => {
  lab = await startTestLab();
  url = routerOrigin(lab);
});

afterAll(async () => {
  await lab.stop();
});

function text(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

describe('menu pages', () => {
  test('every menu page renders', async () => {
    const agent = await loginAgent(url);
    for (const page of menuPages()) {
      const response = await agent.get(page.url);
      expect({ page: page.url, status: response.status }).toEqual({ page: page.url, status: 200 });
      if (!page.view) expect(response.text).toContain('not emulated in this version');
    }
  });

  test('menu lists every reference top-level menu', async () => {
    const agent = await loginAgent(url);
    const html = (await agent.get('/dashboard')).text;
    const topLevel = ['Dashboard', 'Wizards', 'Online Status', 'WAN', 'LAN', 'Routing', 'NAT', 'Hardware Acceleration', 'Firewall', 'User Management', 'Objects Setting', 'CSM', 'Bandwidth Management', 'Applications', 'VPN and Remote Access', 'Certificate Management', 'Central Management', 'Wireless LAN', 'USB Application', 'System Maintenance', 'Diagnostics'];
    for (const title of topLevel) expect(html).toContain(`>${title}<`);
  });

  test('unknown page gives 404 page', async () => {
    const agent = await loginAgent(url);
    const response = await agent.get('/no/such/page');
    expect(response.status).toBe(404);
    expect(response.text).toContain('There is no page at /no/such/page');
  });
});

describe('dashboard', () => {
  test('shows WAN1 connected with address', async () => {
    const agent = await loginAgent(url);
    const page = text((await agent.get('/dashboard')).text);
    const wan1 = lab.router('r1')!.hardware.ports.address('WAN1');
    expect(wan1).not.toBeNull();
    expect(page).toMatch(new RegExp(`WAN1 Connected DHCP Client ${wan1!.ip.replace(/\./g, '\\.')}/24`));
    expect(page).toContain('Vigor2927');
    expect(page).toContain('4.4.5_sim');
  });

  test('warns while default password is used', async () => {
    const agent = await loginAgent(url);
    expect((await agent.get('/dashboard')).text).toContain('still the factory default');
  });
});

describe('physical connection', () => {
  test('WAN1 unplugged shows Disconnected', async () => {
    const router = lab.router('r1')!;
    const agent = await loginAgent(url);
    router.hardware.ports.setLink('WAN1', false);
    try {
      const page = text((await agent.get('/online-status/physical-connection')).text);
      expect(page).toMatch(/WAN1 Status Disconnected/);
      const syslog = router.firmware.syslog.query({ category: 'WAN' }).map((entry) => entry.message);
      expect(syslog.some((message) => message.startsWith('WAN1 is disconnected'))).toBe(true);
    } finally {
      router.hardware.ports.setLink('WAN1', true);
    }
    await new Promise((resolve) => setImmediate(resolve));
    const page = text((await agent.get('/online-status/physical-connection')).text);
    expect(page).toMatch(/WAN1 Status Connected/);
  });
});

describe('syslog explorer', () => {
  test('lists entries and filters by category', async () => {
    const agent = await loginAgent(url);
    const all = await agent.get('/diagnostics/syslog-explorer').expect(200);
    expect(all.text).toContain('firmware 4.4.5_sim started');
    const user = text((await agent.get('/diagnostics/syslog-explorer?category=User')).text);
    expect(user).toContain('logged in to the web UI');
    expect(user).not.toContain('firmware 4.4.5_sim started');
  });

  test('export downloads plain text', async () => {
    const agent = await loginAgent(url);
    const response = await agent.get('/diagnostics/syslog-explorer/export').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.headers['content-disposition']).toContain('attachment');
    expect(response.text).toMatch(/NOTICE \[System\] Vigor2927 firmware/);
  });

  test('export matches firmware syslog text', async () => {
    const firmware = lab.router('r1')!.firmware;
    const agent = await loginAgent(url);
    const response = await agent.get('/diagnostics/syslog-explorer/export').expect(200);

    expect(response.text).toBe(firmware.syslog.exportText(firmware.management.routerName()));
  });

  test('export button submits the filter', async () => {
    const agent = await loginAgent(url);
    const page = (await agent.get('/diagnostics/syslog-explorer?category=User')).text;

    const form = /<form method="get"[^]*?<\/form>/.exec(page)?.[0] ?? '';
    expect(form).toContain('<option selected>User</option>');
    expect(form).toContain('formaction="/diagnostics/syslog-explorer/export"');
  });

  test('export applies category and severity', async () => {
    const agent = await loginAgent(url);

    const user = await agent.get('/diagnostics/syslog-explorer/export?category=User&severity=').expect(200);
    const userLines = user.text.trimEnd().split('\n');
    expect(userLines.some((line) => line.includes('logged in to the web UI'))).toBe(true);
    expect(userLines.every((line) => line.includes(' [User] '))).toBe(true);

    const notices = await agent.get('/diagnostics/syslog-explorer/export?category=&severity=notice').expect(200);
    const severities = notices.text.trimEnd().split('\n').map((line) => line.split(' ')[2]);
    expect(severities).toContain('NOTICE');
    expect(severities.every((severity) => ['ERROR', 'WARNING', 'NOTICE'].includes(severity!))).toBe(true);
  });
});

describe('administrator password', () => {
  test('mismatched confirmation names the field', async () => {
    const agent = await loginAgent(url);
    const token = await pageToken(agent, '/system-maintenance/administrator-password');
    const response = await agent
      .post('/system-maintenance/administrator-password')
      .type('form')
      .send({ _csrf: token, oldPassword: 'admin', newPassword: 'new-pass-1', confirmPassword: 'other' });
    expect(response.status).toBe(400);
    expect(text(response.text)).toContain('Confirm Password does not match the new password');
  });

  test('password over 23 characters is rejected', async () => {
    const agent = await loginAgent(url);
    const token = await pageToken(agent, '/system-maintenance/administrator-password');
    const long = 'x'.repeat(24);
    const response = await agent
      .post('/system-maintenance/administrator-password')
      .type('form')
      .send({ _csrf: token, oldPassword: 'admin', newPassword: long, confirmPassword: long });
    expect(response.status).toBe(400);
    expect(text(response.text)).toContain('New Password must be at most 23 characters');
  });

  test('repeated field is rejected by name', async () => {
    const agent = await loginAgent(url);
    const token = await pageToken(agent, '/system-maintenance/administrator-password');
    const response = await agent
      .post('/system-maintenance/administrator-password')
      .type('form')
      .send(`_csrf=${encodeURIComponent(token)}&oldPassword=a&oldPassword=b&newPassword=x&confirmPassword=x`);
    expect(response.status).toBe(400);
    expect(response.text).toContain('oldPassword must be sent once');
  });
});

describe('configuration backup', () => {
  test('backup hides secrets and restores', async () => {
    const router = lab.router('r1')!;
    const wan = router.firmware.store.get<Record<string, Record<string, unknown>>>('wan');
    await router.firmware.store.update({ wan: { ...wan, WAN2: { ...wan.WAN2, pppoe: { username: 'isp-user', password: PLANTED_SECRET } } } }, 'test');

    const agent = await loginAgent(url);
    const download = await agent.get('/system-maintenance/configuration-backup/download').buffer(true).parse((response, done) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => done(null, body));
    });
    expect(download.status).toBe(200);
    expect(download.headers['content-disposition']).toMatch(/attachment; filename="?Vigor2927_.*\.cfg"?/);
    const backupText = download.body as string;
    expect(backupText).not.toContain(PLANTED_SECRET);

    const management = router.firmware.store.get<Record<string, unknown>>('management');
    await router.firmware.store.update({ management: { ...management, routerName: 'Changed-After-Backup' } }, 'test');

    const token = await pageToken(agent, '/system-maintenance/configuration-backup');
    const restore = await agent
      .post('/system-maintenance/configuration-backup')
      .field('_csrf', token)
      .attach('backupFile', Buffer.from(backupText), 'backup.cfg');
    expect(restore.status).toBe(200);
    expect(restore.text).toContain('restored');
    expect(router.firmware.management.routerName()).toBe('DrayTek');
    const restoredWan = router.firmware.store.get<Record<string, { pppoe: { password: string } }>>('wan');
    expect(restoredWan.WAN2.pppoe.password).toBe(PLANTED_SECRET);
  });

  test('tampered backup changes nothing', async () => {
    const router = lab.router('r1')!;
    const agent = await loginAgent(url);
    const backup = router.firmware.exportBackup();
    (backup.config.management as Record<string, unknown>).routerName = 'Tampered';
    const token = await pageToken(agent, '/system-maintenance/configuration-backup');
    const response = await agent
      .post('/system-maintenance/configuration-backup')
      .field('_csrf', token)
      .attach('backupFile', Buffer.from(JSON.stringify(backup)), 'backup.cfg');
    expect(response.status).toBe(400);
    expect(text(response.text)).toContain('Restore failed, nothing was changed');
    expect(text(response.text)).toContain('signature check failed');
    expect(router.firmware.management.routerName()).not.toBe('Tampered');
  });

  test('non-backup file is rejected clearly', async () => {
    const agent = await loginAgent(url);
    const token = await pageToken(agent, '/system-maintenance/configuration-backup');
    const response = await agent
      .post('/system-maintenance/configuration-backup')
      .field('_csrf', token)
      .attach('backupFile', Buffer.from('hello, not json'), 'notes.txt');
    expect(response.status).toBe(400);
    expect(text(response.text)).toContain('it is not valid JSON');
  });

  test('missing file names the field', async () => {
    const agent = await loginAgent(url);
    const token = await pageToken(agent, '/system-maintenance/configuration-backup');
    const response = await agent.post('/system-maintenance/configuration-backup').field('_csrf', token);
    expect(response.status).toBe(400);
    expect(response.text).toContain('backupFile is missing');
  });
});

describe('reboot system', () => {
  test('reboot restarts and resets uptime', async () => {
    const router = lab.router('r1')!;
    await lab.clock.advance(3_600_000);
    expect(router.firmware.uptimeMs()).toBeGreaterThanOrEqual(3_600_000);

    const agent = await loginAgent(url);
    const token = await pageToken(agent, '/system-maintenance/reboot-system');
    const booted = new Promise((resolve) => router.firmware.once('booted', resolve));
    const response = await agent.post('/system-maintenance/reboot-system').type('form').send({ _csrf: token, rebootMode: 'current' });
    expect(response.status).toBe(200);
    expect(response.text).toContain('restarting');
    await booted;
    expect(router.firmware.uptimeMs()).toBe(0);
    expect((await agent.get('/dashboard')).status).toBe(302);
  });

  test('factory reboot restores defaults', async () => {
    const router = lab.router('r1')!;
    const management = router.firmware.store.get<Record<string, unknown>>('management');
    await router.firmware.store.update({ management: { ...management, routerName: 'Before-Factory' } }, 'test');

    const agent = await loginAgent(url);
    const token = await pageToken(agent, '/system-maintenance/reboot-system');
    const booted = new Promise((resolve) => router.firmware.once('booted', resolve));
    await agent.post('/system-maintenance/reboot-system').type('form').send({ _csrf: token, rebootMode: 'factory' }).expect(200);
    await booted;
    expect(router.firmware.management.routerName()).toBe('DrayTek');
  });

  test('unknown reboot mode names the field', async () => {
    const agent = await loginAgent(url);
    const token = await pageToken(agent, '/system-maintenance/reboot-system');
    const response = await agent.post('/system-maintenance/reboot-system').type('form').send({ _csrf: token, rebootMode: 'sideways' });
    expect(response.status).toBe(400);
    expect(response.text).toContain('rebootMode must be one of current, factory');
  });
});

describe('persistence', () => {
  test('settings survive a lab restart', async () => {
    const data = tempDir();
    try {
      const first = await startTestLab({ dataDir: data.path });
      const agent = await loginAgent(routerOrigin(first));
      const token = await pageToken(agent, '/system-maintenance/administrator-password');
      await agent
        .post('/system-maintenance/administrator-password')
        .type('form')
        .send({ _csrf: token, oldPassword: 'admin', newPassword: 'Kept-Across-Restart', confirmPassword: 'Kept-Across-Restart' })
        .expect(303);
      await first.stop();

      const second = await startTestLab({ dataDir: data.path });
      try {
        await expect(loginAgent(routerOrigin(second), 'Kept-Across-Restart')).resolves.toBeDefined();
        const fresh = await loginAgent(routerOrigin(second), 'Kept-Across-Restart');
        expect((await fresh.get('/dashboard')).text).not.toContain('still the factory default');
      } finally {
        await second.stop();
      }
    } finally {
      data.remove();
    }
  });
});

describe('management general setup', () => {
  test('saves router name and auto-logout', async () => {
    const router = lab.router('r1')!;
    const agent = await loginAgent(url);
    const token = await pageToken(agent, '/system-maintenance/management');
    await agent
      .post('/system-maintenance/management')
      .type('form')
      .send({ ...managementForm(router.firmware.management.config(), { routerName: 'Branch-Office', autoLogoutMinutes: '15' }), _csrf: token })
      .expect(303);
    expect(router.firmware.management.routerName()).toBe('Branch-Office');
    expect(router.firmware.management.sessionIdleMs()).toBe(15 * 60_000);
    expect((await agent.get('/dashboard')).text).toContain('Branch-Office');
  });

  test('invalid values name each field', async () => {
    const router = lab.router('r1')!;
    const before = router.firmware.store.get('management');
    const agent = await loginAgent(url);
    const token = await pageToken(agent, '/system-maintenance/management');
    const response = await agent
      .post('/system-maintenance/management')
      .type('form')
      .send({ ...managementForm(router.firmware.management.config(), { routerName: '', autoLogoutMinutes: 'soon' }), _csrf: token });
    expect(response.status).toBe(400);
    const page = text(response.text);
    expect(page).toContain('Router Name must not be empty');
    expect(page).toContain('Auto-Logout time must be an integer');
    expect(router.firmware.store.get('management')).toEqual(before);
  });

  test('hint says printable ASCII', async () => {
    const agent = await loginAgent(url);
    const page = text((await agent.get('/system-maintenance/management')).text);

    expect(page).toContain('(1 to 31 printable ASCII characters)');
  });

  test('accented router name names the character', async () => {
    const router = lab.router('r1')!;
    const before = router.firmware.store.get('management');
    const agent = await loginAgent(url);
    const token = await pageToken(agent, '/system-maintenance/management');
    const response = await agent
      .post('/system-maintenance/management')
      .type('form')
      .send({ ...managementForm(lab.router('r1')!.firmware.management.config(), { routerName: 'Routeur-é', autoLogoutMinutes: '5' }), _csrf: token });

    expect(response.status).toBe(400);
    const page = text(response.text).replace(/&#34;/g, '"');
    expect(page).toContain('Router Name must contain only printable ASCII characters');
    expect(page).toContain('remove "é"');
    expect(page).not.toContain('a form that is not allowed');
    expect(router.firmware.store.get('management')).toEqual(before);
  });
});

describe('internet access', () => {
  test('static mode gives WAN2 its address', async () => {
    const router = lab.router('r1')!;
    router.hardware.ports.setLink('WAN2', true);
    const agent = await loginAgent(url);
    const token = await pageToken(agent, '/wan/internet-access');
    await agent
      .post('/wan/internet-access')
      .type('form')
      .send({ _csrf: token, wan: 'WAN2', enabled: 'on', mode: 'static', staticIp: '203.0.113.200', prefixLength: '24', gateway: '203.0.113.1', dns1: '198.51.100.53', dns2: '' })
      .expect(303);
    await new Promise((resolve) => setImmediate(resolve));
    expect(router.hardware.ports.address('WAN2')).toMatchObject({ ip: '203.0.113.200', mode: 'static' });
    const status = text((await agent.get('/online-status/physical-connection')).text);
    expect(status).toMatch(/WAN2 Status Connected/);
    expect(status).toContain('Static IP');
    router.hardware.ports.setLink('WAN2', false);
  });

  test('static mode without address is rejected', async () => {
    const router = lab.router('r1')!;
    const before = router.firmware.store.get('wan');
    const agent = await loginAgent(url);
    const token = await pageToken(agent, '/wan/internet-access');
    const response = await agent
      .post('/wan/internet-access')
      .type('form')
      .send({ _csrf: token, wan: 'WAN1', enabled: 'on', mode: 'static', staticIp: '300.1.1.1', prefixLength: '24', gateway: '' });
    expect(response.status).toBe(400);
    const page = text(response.text);
    expect(page).toContain('IP Address must be an IPv4 address');
    expect(page).toContain('Gateway IP Address must be an IPv4 address');
    expect(router.firmware.store.get('wan')).toEqual(before);
  });

  test('PPPoE password never reaches the page', async () => {
    const router = lab.router('r1')!;
    const agent = await loginAgent(url);
    const token = await pageToken(agent, '/wan/internet-access');
    await agent
      .post('/wan/internet-access')
      .type('form')
      .send({ _csrf: token, wan: 'WAN2', mode: 'pppoe', pppoeUsername: 'line-42', pppoePassword: PLANTED_SECRET, prefixLength: '24' })
      .expect(303);
    const page = (await agent.get('/wan/internet-access')).text;
    expect(page).not.toContain(PLANTED_SECRET);
    expect(page).toContain('<span class="hint" id="WAN2-pass-hint">(a password is stored; leave empty to keep it)</span>');
    expect(page).not.toContain('placeholder=');

    const again = await pageToken(agent, '/wan/internet-access');
    await agent
      .post('/wan/internet-access')
      .type('form')
      .send({ _csrf: again, wan: 'WAN2', mode: 'pppoe', pppoeUsername: 'line-43', pppoePassword: '', prefixLength: '24' })
      .expect(303);
    const wan = router.firmware.store.get<Record<string, { pppoe: { username: string; password: string } }>>('wan');
    expect(wan.WAN2.pppoe).toEqual({ username: 'line-43', password: PLANTED_SECRET });
  });

  test('address fields show example hints', async () => {
    const agent = await loginAgent(url);
    const page = (await agent.get('/wan/internet-access')).text;

    expect(page).not.toContain('placeholder=');
    expect(page).toContain('aria-describedby="WAN1-ip-hint"> <span class="hint" id="WAN1-ip-hint">(e.g. 203.0.113.20)</span>');
    expect(page).toContain('aria-describedby="WAN1-gw-hint"> <span class="hint" id="WAN1-gw-hint">(e.g. 203.0.113.1)</span>');
  });

  test('rejected new password is not called stored', async () => {
    const router = lab.router('r1')!;
    expect(router.firmware.store.get<Record<string, { pppoe: { password: string } }>>('wan').WAN1.pppoe.password).toBe('');
    const agent = await loginAgent(url);
    const token = await pageToken(agent, '/wan/internet-access');
    const response = await agent
      .post('/wan/internet-access')
      .type('form')
      .send({ _csrf: token, wan: 'WAN1', enabled: 'on', mode: 'pppoe', pppoeUsername: 'line-1', pppoePassword: 'typed-not-saved', prefixLength: 'x' });

    expect(response.status).toBe(400);
    const passwordCell = /<input id="WAN1-pass"[^]*?<\/td>/.exec(response.text)?.[0];
    expect(passwordCell).toBeDefined();
    expect(passwordCell).not.toContain('stored');
  });

  test('unknown WAN is rejected by name', async () => {
    const agent = await loginAgent(url);
    const token = await pageToken(agent, '/wan/internet-access');
    const response = await agent.post('/wan/internet-access').type('form').send({ _csrf: token, wan: 'WAN7', mode: 'dhcp' });
    expect(response.status).toBe(400);
    expect(response.text).toContain('wan must be one of WAN1, WAN2');
  });
});
