/**
 * Corrupt input at the level a trainee meets it: a damaged config.json in the data directory of a
 * lab that starts again, and damaged or foreign backup files uploaded through the web UI. Each
 * case must produce a message that names the file and the fault, and leave the configuration the
 * router was running untouched. The firmware-level variants live in test/firmware.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Lab } from '../../emulator';
import type { BackupFile, ConfigDocument } from '../../firmware';
import { pageText } from '../helpers/htmlForms';
import { loginAgent, pageToken, routerOrigin, startTestLab, tempDir } from '../helpers/lab';

const RUNNING_NAME = 'Before-Corruption';
const SYSLOG_CONFIG = '/diagnostics/syslog-explorer?category=Config';
const BACKUP_PAGE = '/system-maintenance/configuration-backup';

/** Returns a pino logger at debug level whose lines the test can read. */
function capturedLogger(): { logger: pino.Logger; lines: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines: () => text };
}

function routerDir(dataDir: string): string {
  return path.join(dataDir, 'routers', 'r1');
}

describe('corrupt config file at start', () => {
  let data: ReturnType<typeof tempDir>;
  let lab: Lab | undefined;

  beforeEach(async () => {
    data = tempDir();
    const first = await startTestLab({ dataDir: data.path });
    const firmware = first.router('r1')!.firmware;
    const management = firmware.store.get<Record<string, unknown>>('management');
    await firmware.store.update({ management: { ...management, routerName: RUNNING_NAME } }, 'test');
    await first.stop();
  });

  afterEach(async () => {
    await lab?.stop();
    lab = undefined;
    data.remove();
  });

  /** Each case turns the text of a good config.json into a bad one, and names the fault expected in the message. */
  const cases: [string, (good: string) => string, RegExp][] = [
    ['truncated file', (good) => good.slice(0, Math.floor(good.length / 2)), /config\.json is not valid JSON/],
    ['empty file', () => '', /config\.json is not valid JSON/],
    ['JSON null', () => 'null', /config\.json contains no data/],
    ['JSON array', () => '[]', /config\.json (does not contain a configuration object|fails validation)/],
    ['newer schema version', (good) => JSON.stringify({ ...JSON.parse(good), schemaVersion: 2 }), /config\.json fails validation: schemaVersion/],
    ['unknown section', (good) => JSON.stringify({ ...JSON.parse(good), firewall: {} }), /config\.json fails validation: .*firewall/],
    ['invalid LAN address', (good) => withValue(good, (config) => ((config.lan as { LAN1: { ip: string } }).LAN1.ip = '192.168.1.300')), /config\.json fails validation: lan\.LAN1\.ip/],
    ['router name too long', (good) => withValue(good, (config) => ((config.management as { routerName: string }).routerName = 'x'.repeat(40))), /config\.json fails validation: management\.routerName/],
    ['altered sealed secret', (good) => withValue(good, (config) => alterSealed(config.admin as { passwordHash: string })), /admin\.passwordHash was sealed with another key or altered/],
  ];

  test.each(cases)('%s boots last good copy', async (_label, damage, fault) => {
    const configPath = path.join(routerDir(data.path), 'config.json');
    const damaged = damage(readFileSync(configPath, 'utf8'));
    writeFileSync(configPath, damaged);
    const log = capturedLogger();

    lab = await startTestLab({ dataDir: data.path, logger: log.logger });
    const firmware = lab.router('r1')!.firmware;
    await firmware.store.flush();

    // The running configuration is the one from before the damage.
    expect(firmware.state).toBe('running');
    expect(firmware.management.routerName()).toBe(RUNNING_NAME);
    expect(JSON.parse(readFileSync(configPath, 'utf8')).management.routerName).toBe(RUNNING_NAME);

    // The message names the file, the fault and where the damaged copy is kept.
    const [rejected, fallback] = firmware.syslog.query({ category: 'Config' });
    expect(rejected?.severity).toBe('error');
    expect(rejected?.message).toMatch(/^Configuration file rejected at boot and kept as config\.json\.rejected-\d{8}T\d{6}Z: /);
    expect(rejected?.message).toMatch(fault);
    expect(fallback?.message).toBe('Booted from the last good configuration copy');
    const keptAs = /kept as (config\.json\.rejected-\d{8}T\d{6}Z)/.exec(rejected!.message)![1]!;
    expect(readFileSync(path.join(routerDir(data.path), keptAs), 'utf8')).toBe(damaged);

    // A trainee finds it in the Syslog Explorer, and the lab log has it too.
    const agent = await loginAgent(routerOrigin(lab));
    const syslogPage = pageText((await agent.get(SYSLOG_CONFIG).expect(200)).text);
    expect(syslogPage).toContain(`Configuration file rejected at boot and kept as ${keptAs}`);
    expect(syslogPage).toContain('Booted from the last good configuration copy');
    expect(log.lines()).toContain(`kept as ${keptAs}`);
  });
});

describe('corrupt backup upload', () => {
  let lab: Lab;
  let data: ReturnType<typeof tempDir>;
  let ownBackup: BackupFile;
  let otherBackup: BackupFile;

  beforeAll(async () => {
    data = tempDir();
    lab = await startTestLab({ dataDir: data.path, routers: 2 });
    const firmware = lab.router('r1')!.firmware;
    const management = firmware.store.get<Record<string, unknown>>('management');
    await firmware.store.update({ management: { ...management, routerName: RUNNING_NAME } }, 'test');
    ownBackup = firmware.exportBackup();
    otherBackup = lab.router('r2')!.firmware.exportBackup();
    // A change after the backup, so that a restore would be visible.
    await firmware.store.update({ management: { ...management, routerName: 'After-Backup' } }, 'test');
  });

  afterAll(async () => {
    await lab.stop();
    data.remove();
  });

  const edited = (change: (backup: BackupFile) => void) => () => {
    const copy = structuredClone(ownBackup);
    change(copy);
    return JSON.stringify(copy);
  };

  /** Each case builds the uploaded file and names the message expected on the page. */
  const cases: [string, () => string, string][] = [
    ['backup of another router', () => JSON.stringify(otherBackup), 'The backup was made on another router (serial number'],
    ['edited setting', edited((backup) => ((backup.config.management as { routerName: string }).routerName = 'Tampered')), 'signature check failed'],
    ['edited serial number', edited((backup) => (backup.serialNumber = otherBackup.serialNumber)), 'made on another router'],
    ['serial number of this router on another backup', () => JSON.stringify({ ...otherBackup, serialNumber: ownBackup.serialNumber }), 'signature check failed'],
    ['edited sealed secret', edited((backup) => alterSealed(backup.config.admin as { passwordHash: string })), 'signature check failed'],
    ['removed signature', edited((backup) => delete (backup as Partial<BackupFile>).signature), 'signature check failed'],
    ['other model', edited((backup) => (backup.model = 'Vigor3910')), 'The backup was made on a Vigor3910'],
    ['newer format version', edited((backup) => (backup.formatVersion = 2)), 'Backup format version 2 is not supported'],
    ['truncated file', () => JSON.stringify(ownBackup).slice(0, 500), 'it is not valid JSON'],
    ['empty file', () => '', 'it is not valid JSON'],
    ['JSON of another kind', () => '{"hello": "world"}', 'The file is not a configuration backup'],
  ];

  test.each(cases)('%s changes nothing', async (_label, file, message) => {
    const router = lab.router('r1')!;
    const configPath = path.join(routerDir(data.path), 'config.json');
    await router.firmware.store.flush();
    const documentBefore: ConfigDocument = router.firmware.store.document();
    const fileBefore = readFileSync(configPath, 'utf8');
    const uptimeBefore = router.firmware.uptimeMs();
    await lab.clock.advance(1000);

    const agent = await loginAgent(routerOrigin(lab));
    const token = await pageToken(agent, BACKUP_PAGE);
    const response = await agent.post(BACKUP_PAGE).field('_csrf', token).attach('backupFile', Buffer.from(file()), 'backup.cfg');

    expect(response.status).toBe(400);
    const text = pageText(response.text);
    expect(text).toContain('Restore failed, nothing was changed.');
    expect(text).toContain(message);

    // Nothing changed: the document, the file on flash, and the router kept running without a restart.
    await router.firmware.store.flush();
    expect(router.firmware.store.document()).toEqual(documentBefore);
    expect(readFileSync(configPath, 'utf8')).toBe(fileBefore);
    expect(router.firmware.uptimeMs()).toBe(uptimeBefore + 1000);
    expect(router.firmware.management.routerName()).toBe('After-Backup');
    await agent.get('/dashboard').expect(200);
  });

  test('own backup still restores', async () => {
    const router = lab.router('r1')!;
    const agent = await loginAgent(routerOrigin(lab));
    const token = await pageToken(agent, BACKUP_PAGE);
    const response = await agent.post(BACKUP_PAGE).field('_csrf', token).attach('backupFile', Buffer.from(JSON.stringify(ownBackup)), 'backup.cfg');

    expect(response.status).toBe(200);
    expect(router.firmware.management.routerName()).toBe(RUNNING_NAME);
  });
});

function withValue(good: string, change: (config: Record<string, unknown>) => void): string {
  const config = JSON.parse(good) as Record<string, unknown>;
  change(config);
  return JSON.stringify(config);
}

/** Flips one character of a sealed value in the middle of its ciphertext. */
function alterSealed(holder: { passwordHash: string }): void {
  const sealed = holder.passwordHash;
  const position = Math.floor(sealed.length * 0.75);
  holder.passwordHash = sealed.slice(0, position) + (sealed[position] === 'A' ? 'B' : 'A') + sealed.slice(position + 1);
}
