/** Provider state kept in the lab's data directory across restarts, with passwords only as hashes. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Lab } from '../../../emulator';
import { startTestLab, tempDir } from '../../helpers/lab';
import { makeAccount, provider, send } from './helpers';

describe('provider persistence', () => {
  test('state survives lab restart', async () => {
    const dir = tempDir();
    let lab: Lab | undefined;
    try {
      lab = await startTestLab({ dataDir: dir.path });
      const account = await makeAccount(lab, 'keeper');
      expect((await send(lab, { auth: account.auth, query: { hostname: account.hostname, myip: '203.0.113.80' } })).body).toBe('good 203.0.113.80');
      await provider(lab).setFaults({ replyDelaySeconds: 2 });
      await lab.stop();

      const file = readFileSync(path.join(dir.path, 'lab', 'ddns', 'drayddns.json'), 'utf8');
      expect(file).toContain('keeper.drayddns.com');
      expect(file).toContain('scrypt$');
      expect(file).not.toContain(account.password);
      expect(file).not.toContain('r1-ddns-pass');

      lab = await startTestLab({ dataDir: dir.path });
      expect(lab.dns.resolve(account.hostname)).toBe('203.0.113.80');
      expect(provider(lab).faults.replyDelaySeconds).toBe(2);
      await provider(lab).setFaults({ replyDelaySeconds: 0 });
      expect((await send(lab, { auth: account.auth, query: { hostname: account.hostname, myip: '203.0.113.80' } })).body).toBe('nochg 203.0.113.80');
      expect(provider(lab).history({ account: 'keeper' })).toHaveLength(2);
      const seed = provider(lab).findAccount('r1-trainee');
      expect(seed?.passwordHash).toMatch(/^scrypt\$/);
    } finally {
      await lab?.stop();
      dir.remove();
    }
  });

  test('seeds accounts for added routers', async () => {
    const dir = tempDir();
    let lab: Lab | undefined;
    try {
      lab = await startTestLab({ dataDir: dir.path });
      await lab.stop();
      lab = await startTestLab({ dataDir: dir.path, routers: 2 });
      expect(provider(lab).accounts().map((account) => account.username)).toEqual(['r1-trainee', 'r2-trainee']);
      expect((await send(lab, { auth: ['r2-trainee', 'r2-ddns-pass'], query: { hostname: 'r2.drayddns.com', myip: '203.0.113.81' } })).body).toBe('good 203.0.113.81');
    } finally {
      await lab?.stop();
      dir.remove();
    }
  });

  test('corrupt provider file stops lab start', async () => {
    const dir = tempDir();
    try {
      const lab = await startTestLab({ dataDir: dir.path });
      await lab.stop();
      writeFileSync(path.join(dir.path, 'lab', 'ddns', 'dyndns.json'), '{not json');
      await expect(startTestLab({ dataDir: dir.path })).rejects.toThrow(/dyndns\.json is not valid JSON.*delete the file/i);
    } finally {
      dir.remove();
    }
  });
});
