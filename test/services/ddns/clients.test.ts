/**
 * Debian's ddclient and inadyn, clients written outside this project, update hostnames at the
 * emulated providers through the lab's plain HTTP port forwards. Each run is in the foreground with
 * its own temporary config and cache, never as a service. A missing binary skips its tests, and
 * .ci/run installs both packages.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Lab } from '../../../emulator';
import { startTestLab } from '../../helpers/lab';
import { forwardPort, makeAccount, provider } from './helpers';

const DDCLIENT = '/usr/bin/ddclient';
const INADYN = '/usr/sbin/inadyn';
const ddclientTest = testIfInstalled(DDCLIENT, 'ddclient');
const inadynTest = testIfInstalled(INADYN, 'inadyn');

/** Returns `test` when the binary exists, else a skipped test whose name names the package to install. */
function testIfInstalled(binary: string, debianPackage: string): (name: string, fn: () => Promise<void>) => void {
  if (existsSync(binary)) return (name, fn) => test(name, fn);
  return (name, fn) => test.skip(`${name} (skipped: ${binary} missing; apt-get install ${debianPackage})`, fn);
}

let lab: Lab;
let workDir: string;

beforeAll(async () => {
  lab = await startTestLab();
  workDir = mkdtempSync(path.join(os.tmpdir(), 'vigor-sim-ddns-clients-'));
});

afterAll(async () => {
  await lab.stop();
  rmSync(workDir, { recursive: true, force: true });
});

interface Run {
  code: number;
  output: string;
}

function run(file: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** Writes a config file readable only by its owner, as both clients expect for files with passwords. */
function writeConfig(name: string, text: string): string {
  const file = path.join(workDir, name);
  writeFileSync(file, text);
  chmodSync(file, 0o600);
  return file;
}

function lastReply(providerId: string, hostname: string) {
  return provider(lab, providerId).history({ hostname }).at(-1);
}

describe('ddclient (Debian package)', () => {
  function ddclientConfig(name: string, options: { server: number; login: string; password: string; hostname: string; use: string }): string {
    return writeConfig(
      `${name}.conf`,
      ['daemon=0', 'syslog=no', 'ssl=no', options.use, 'protocol=dyndns2', `server=127.0.0.1:${options.server}`, `login=${options.login}`, `password='${options.password}'`, options.hostname, ''].join('\n'),
    );
  }

  function ddclient(config: string, cache: string, ...extra: string[]): Promise<Run> {
    return run(DDCLIENT, ['-daemon=0', '-foreground', '-noquiet', '-file', config, '-cache', path.join(workDir, cache), ...extra]);
  }

  ddclientTest('ddclient gets good then nochg', async () => {
    const account = await makeAccount(lab, 'ddclient1');
    const config = ddclientConfig('ddclient1', { server: forwardPort(lab, 'drayddns.com', 80), login: account.username, password: account.password, hostname: account.hostname, use: 'use=ip, ip=203.0.113.77' });

    const first = await ddclient(config, 'ddclient1.cache');
    expect(first.output).toContain(`SUCCESS:  updating ${account.hostname}: good: IP address set to 203.0.113.77`);
    expect(first.code).toBe(0);
    expect(lab.dns.resolve(account.hostname)).toBe('203.0.113.77');
    expect(lastReply('drayddns', account.hostname)).toMatchObject({ reply: 'good 203.0.113.77', userAgent: expect.stringMatching(/^ddclient\//) });

    const forced = await ddclient(config, 'ddclient1.cache', '-force');
    expect(forced.output).toContain(`updating ${account.hostname}: nochg`);
    expect(lastReply('drayddns', account.hostname)?.reply).toBe('nochg 203.0.113.77');
  });

  ddclientTest('ddclient reports badauth', async () => {
    const account = await makeAccount(lab, 'ddclient2');
    const config = ddclientConfig('ddclient2', { server: forwardPort(lab, 'drayddns.com', 80), login: account.username, password: 'not-the-password', hostname: account.hostname, use: 'use=ip, ip=203.0.113.78' });
    const result = await ddclient(config, 'ddclient2.cache');
    expect(result.output).toContain(`FAILED:   updating ${account.hostname}: badauth`);
    expect(result.code).not.toBe(0);
    expect(() => lab.dns.resolve(account.hostname)).toThrow(/NXDOMAIN/);
  });

  ddclientTest('ddclient updates generic provider via checkip', async () => {
    const account = await makeAccount(lab, 'ddclient3', { providerId: 'dyndns' });
    const checkip = `use=web, web=http://127.0.0.1:${forwardPort(lab, 'checkip.dyndns.org', 80)}/`;
    const config = ddclientConfig('ddclient3', { server: forwardPort(lab, 'members.dyndns.org', 80), login: account.username, password: account.password, hostname: account.hostname, use: checkip });
    const result = await ddclient(config, 'ddclient3.cache');
    expect(result.output).toContain(`SUCCESS:  updating ${account.hostname}: good: IP address set to 192.0.2.100`);
    expect(lab.dns.resolve(account.hostname)).toBe('192.0.2.100');
  });
});

describe('inadyn (Debian package)', () => {
  function inadynConfig(name: string, options: { server: number; username: string; password: string; hostname: string }): string {
    return writeConfig(
      `${name}.conf`,
      `# The lab's addresses are documentation ranges, which inadyn rejects unless verification is off.
verify-address = false
custom ${name} {
    ssl = false
    username = ${options.username}
    password = ${options.password}
    ddns-server = 127.0.0.1:${options.server}
    ddns-path = "/nic/update?hostname=%h&myip=%i"
    ddns-response = { good, nochg }
    checkip-server = 127.0.0.1:${forwardPort(lab, 'checkip.dyndns.org', 80)}
    checkip-path = /
    checkip-ssl = false
    hostname = ${options.hostname}
}
`,
    );
  }

  function inadyn(name: string, ...extra: string[]): Promise<Run> {
    const cache = path.join(workDir, `${name}.cache`);
    return run(INADYN, ['--once', '--foreground', '--no-pidfile', '--cache-dir', cache, '-f', path.join(workDir, `${name}.conf`), '-l', 'info', ...extra]);
  }

  inadynTest('inadyn gets good then nochg', async () => {
    const account = await makeAccount(lab, 'inadyn1');
    inadynConfig('inadyn1', { server: forwardPort(lab, 'drayddns.com', 80), username: account.username, password: account.password, hostname: account.hostname });

    const first = await inadyn('inadyn1');
    expect(first.output).toContain(`Successful alias table update for ${account.hostname} => new IP# 192.0.2.100`);
    expect(first.code).toBe(0);
    expect(lab.dns.resolve(account.hostname)).toBe('192.0.2.100');
    expect(lastReply('drayddns', account.hostname)).toMatchObject({ reply: 'good 192.0.2.100', userAgent: expect.stringMatching(/^inadyn\//) });

    const forced = await inadyn('inadyn1', '--force');
    expect(forced.code).toBe(0);
    expect(lastReply('drayddns', account.hostname)?.reply).toBe('nochg 192.0.2.100');
  });

  inadynTest('inadyn stops on badauth', async () => {
    const account = await makeAccount(lab, 'inadyn2');
    inadynConfig('inadyn2', { server: forwardPort(lab, 'drayddns.com', 80), username: account.username, password: 'not-the-password', hostname: account.hostname });
    const result = await inadyn('inadyn2');
    expect(result.output).toContain('badauth');
    expect(result.code).not.toBe(0);
    expect(lastReply('drayddns', account.hostname)?.reply).toBe('badauth');
  });

  inadynTest('inadyn updates generic provider', async () => {
    const account = await makeAccount(lab, 'inadyn3', { providerId: 'dyndns' });
    inadynConfig('inadyn3', { server: forwardPort(lab, 'members.dyndns.org', 80), username: account.username, password: account.password, hostname: account.hostname });
    const result = await inadyn('inadyn3');
    expect(result.code).toBe(0);
    expect(lastReply('dyndns', account.hostname)?.reply).toBe('good 192.0.2.100');
    expect(lab.dns.resolve(account.hostname)).toBe('192.0.2.100');
  });
});
