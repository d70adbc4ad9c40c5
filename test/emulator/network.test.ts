/**
 * The emulated network through the lab proxy and port forwards, with curl (a client nobody here
 * wrote) where it is installed and Node's own HTTP and TLS clients otherwise.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Lab } from '../../emulator';
import { SERVICE_HOSTS } from '../../emulator/network/hosts';
import { startTestLab } from '../helpers/lab';

const CURL = '/usr/bin/curl';
const curlTest = existsSync(CURL) ? test : test.skip;

let lab: Lab;

beforeAll(async () => {
  lab = await startTestLab();
});

afterAll(async () => {
  await lab.stop();
});

interface ProxyReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends a plain proxied GET for `url` to the proxy of `place` (`internet` or a router id). */
function proxiedGet(place: string, url: string): Promise<ProxyReply> {
  const proxy = lab.ready().proxies[place]!;
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port: proxy.port, path: url, headers: { host: new URL(url).host } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** Opens a CONNECT tunnel through a place's proxy; resolves with the proxy's status line. */
function connectStatus(place: string, authority: string): Promise<{ status: number; errorCode?: string }> {
  const proxy = lab.ready().proxies[place]!;
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port: proxy.port, method: 'CONNECT', path: authority });
    request.on('connect', (response, socket) => {
      socket.destroy();
      resolve({ status: response.statusCode ?? 0, errorCode: response.headers['x-vigor-sim-error'] as string | undefined });
    });
    request.on('error', reject);
    request.end();
  });
}

function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(CURL, ['--silent', '--show-error', '--max-time', '10', ...args], (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function wanAddress(id = 'r1'): string {
  const address = lab.router(id)!.hardware.ports.address('WAN1');
  if (!address) throw new Error(`${id} WAN1 has no address`);
  return address.ip;
}

describe('LAN PC place', () => {
  test('reaches router UI over HTTP', async () => {
    const reply = await proxiedGet('r1', 'http://192.168.1.1/login');
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('name="password"');
  });

  curlTest('curl reaches router UI via proxy', async () => {
    const result = await curl(['--proxy', lab.ready().proxies.r1!.url, 'http://192.168.1.1/login']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Vigor2927');
  });

  test('reaches router UI over HTTPS', async () => {
    const router = lab.router('r1')!;
    const port = lab.ready().routers[0]!.lanHttpsPort;
    const subject = await new Promise<string>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
        const certificate = socket.getPeerCertificate();
        socket.destroy();
        resolve(String(certificate.subject.CN));
      });
      socket.on('error', reject);
    });
    expect(subject).toBe(router.hardware.board.model);
  });

  test('reaches the Internet through the router', async () => {
    const reply = await proxiedGet('r1', 'http://checkip.dyndns.org/');
    expect(reply.status).toBe(200);
    expect(reply.body).toContain(`Current IP Address: ${wanAddress()}`);
  });

  test('other LAN address is unreachable', async () => {
    const reply = await proxiedGet('r1', 'http://192.168.1.77/');
    expect(reply.status).toBe(502);
    expect(reply.headers['x-vigor-sim-error']).toBe('EHOSTUNREACH');
  });

  test('unknown name fails as NXDOMAIN', async () => {
    const reply = await proxiedGet('r1', 'http://no-such-host.example/');
    expect(reply.status).toBe(502);
    expect(reply.headers['x-vigor-sim-error']).toBe('ENOTFOUND');
    expect(reply.body).toContain('NXDOMAIN');
  });
});

describe('Internet host place', () => {
  test('WAN management closed by default', async () => {
    // The router drops management connections from the Internet, as a firewall does.
    const reply = await proxiedGet('internet', `http://${wanAddress()}/`);
    expect(reply.status).toBe(504);
    expect(reply.headers['x-vigor-sim-error']).toBe('ETIMEDOUT');
    const tunnel = await connectStatus('internet', `${wanAddress()}:443`);
    expect(tunnel.status).toBe(504);
    expect(tunnel.errorCode).toBe('ETIMEDOUT');
  });

  test('LAN address is not routed', async () => {
    const reply = await proxiedGet('internet', 'http://192.168.1.1/');
    expect(reply.status).toBe(502);
    expect(reply.headers['x-vigor-sim-error']).toBe('EHOSTUNREACH');
  });

  test('unused public address times out', async () => {
    const reply = await proxiedGet('internet', 'http://192.0.2.250/');
    expect(reply.status).toBe(504);
    expect(reply.headers['x-vigor-sim-error']).toBe('ETIMEDOUT');
  });

  test('DNS changes take effect at once', async () => {
    lab.dns.set('moving.example.net', SERVICE_HOSTS.find((host) => host.name === 'checkip.dyndns.org')!.address, 'lab');
    const first = await proxiedGet('internet', 'http://moving.example.net/');
    expect(first.status).toBe(200);
    expect(first.body).toContain('Current IP Address: 192.0.2.100');

    lab.dns.set('moving.example.net', wanAddress(), 'lab');
    const second = await proxiedGet('internet', 'http://moving.example.net/');
    expect(second.headers['x-vigor-sim-error']).toBe('ETIMEDOUT');

    lab.dns.remove('moving.example.net');
    const third = await proxiedGet('internet', 'http://moving.example.net/');
    expect(third.headers['x-vigor-sim-error']).toBe('ENOTFOUND');
  });

  test('closed service port is refused', async () => {
    const tunnel = await connectStatus('internet', 'checkip.dyndns.org:8080');
    expect(tunnel.status).toBe(502);
    expect(tunnel.errorCode).toBe('ECONNREFUSED');
    const reply = await proxiedGet('internet', 'http://checkip.dyndns.org:8080/');
    expect(reply.body).toContain('nothing listens on checkip.dyndns.org (192.0.2.41) port 8080');
  });

  test('direct request names the place', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port: lab.ready().proxies.internet!.port, path: '/' }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve(body));
      });
      request.on('error', reject);
      request.end();
    });
    expect(reply).toContain('the Internet host 192.0.2.100');
  });
});

describe('TLS of emulated services', () => {
  test('every emulated HTTPS service validates', async () => {
    const ready = lab.ready();
    const https = ready.forwards.filter((forward) => forward.protocol === 'https' && SERVICE_HOSTS.find((host) => host.name === forward.host)!.emulated);
    expect(https.length).toBeGreaterThan(0);
    for (const forward of https) {
      const authorized = await new Promise<boolean>((resolve, reject) => {
        const socket = tlsConnect({ host: '127.0.0.1', port: forward.localPort, servername: forward.host, ca: lab.ca.caPem() }, () => {
          socket.destroy();
          resolve(socket.authorized);
        });
        socket.on('error', reject);
      });
      expect({ host: forward.host, authorized }).toEqual({ host: forward.host, authorized: true });
    }
  });

  test('CA issues for every service name', async () => {
    for (const host of SERVICE_HOSTS) {
      const certificate = await lab.ca.issue([host.name], lab.clock.date());
      expect(certificate.certPem).toContain('BEGIN CERTIFICATE');
    }
  });

  curlTest('curl trusts lab CA via forward', async () => {
    const forward = lab.ready().forwards.find((entry) => entry.host === 'checkip.dyndns.org' && entry.port === 443)!;
    const caFile = `${require('node:os').tmpdir()}/vigor-sim-test-ca-${process.pid}.pem`;
    require('node:fs').writeFileSync(caFile, lab.ca.caPem());
    try {
      const result = await curl(['--cacert', caFile, '--connect-to', `checkip.dyndns.org:443:127.0.0.1:${forward.localPort}`, 'https://checkip.dyndns.org/']);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain('Current IP Address: 192.0.2.100');
    } finally {
      require('node:fs').rmSync(caFile, { force: true });
    }
  });
});

describe('router uplink', () => {
  test('outbound request uses WAN address', async () => {
    const router = lab.router('r1')!;
    const socket = await router.hardware.uplink.openConnection('checkip.dyndns.org', 80);
    const body = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.write('GET / HTTP/1.1\r\nHost: checkip.dyndns.org\r\nConnection: close\r\n\r\n');
    });
    expect(body).toContain(`Current IP Address: ${wanAddress()}`);
  });

  test('unplugged WAN1 cuts both directions', async () => {
    const router = lab.router('r1')!;
    const address = wanAddress();
    router.hardware.ports.setLink('WAN1', false);
    try {
      await expect(router.hardware.uplink.openConnection('checkip.dyndns.org', 80)).rejects.toMatchObject({ code: 'ENETUNREACH' });
      const inbound = await proxiedGet('internet', `http://${address}/`);
      expect(inbound.headers['x-vigor-sim-error']).toBe('ETIMEDOUT');
      const fromLan = await proxiedGet('r1', 'http://checkip.dyndns.org/');
      expect(fromLan.headers['x-vigor-sim-error']).toBe('ESERVFAIL');
    } finally {
      router.hardware.ports.setLink('WAN1', true);
      await lab.clock.advance(0);
    }
    expect(wanAddress()).toBe(address);
  });

  test('ISP outage times out traffic', async () => {
    const router = lab.router('r1')!;
    lab.isp.setLineOptions('r1', 'WAN1', { outage: true });
    try {
      await expect(router.hardware.uplink.openConnection('checkip.dyndns.org', 80)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    } finally {
      lab.isp.setLineOptions('r1', 'WAN1', { outage: false });
    }
  });

  test('reconnect gets new address when set', async () => {
    const router = lab.router('r1')!;
    const before = wanAddress();
    lab.isp.setLineOptions('r1', 'WAN1', { newAddressOnReconnect: true });
    try {
      lab.reconnectLine('r1', 'WAN1');
      expect(router.hardware.ports.address('WAN1')).toBeNull();
      await lab.clock.advance(5_000);
      expect(wanAddress()).not.toBe(before);
      const messages = router.firmware.syslog.query({ category: 'WAN' }).map((entry) => entry.message);
      expect(messages).toContain(`WAN1 is disconnected (was ${before}; the line dropped the session)`);
    } finally {
      lab.isp.setLineOptions('r1', 'WAN1', { newAddressOnReconnect: false });
    }
  });

  test('CGNAT line shows shared public address', async () => {
    const router = lab.router('r1')!;
    lab.setLine('r1', 'WAN1', { cgnat: true });
    try {
      await lab.clock.advance(5_000);
      expect(wanAddress()).toMatch(/^100\.64\./);
      const reply = await proxiedGet('r1', 'http://checkip.dyndns.org/');
      expect(reply.body).toMatch(/Current IP Address: 203\.0\.113\.[2-5]</);
      const inbound = await proxiedGet('internet', `http://${wanAddress()}/`);
      expect(inbound.headers['x-vigor-sim-error']).toBe('EHOSTUNREACH');
    } finally {
      lab.setLine('r1', 'WAN1', { cgnat: false });
      await lab.clock.advance(5_000);
    }
    expect(wanAddress()).toMatch(/^203\.0\.113\./);
  });
});

describe('port forwards', () => {
  test('forward reaches service as Internet host', async () => {
    const forward = lab.ready().forwards.find((entry) => entry.host === 'checkip.dyndns.org' && entry.port === 80)!;
    const body = await new Promise<string>((resolve, reject) => {
      const socket = netConnect(forward.localPort, '127.0.0.1', () => socket.write('GET / HTTP/1.0\r\nHost: checkip.dyndns.org\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(body).toContain('Current IP Address: 192.0.2.100');
  });

  test('ready line lists every service port', () => {
    const forwards = lab.ready().forwards;
    const expected = SERVICE_HOSTS.flatMap((host) => host.ports.map((entry) => `${host.name}:${entry.port}`));
    expect(forwards.map((entry) => `${entry.host}:${entry.port}`)).toEqual(expected);
    expect(new Set(forwards.map((entry) => entry.localPort)).size).toBe(forwards.length);
  });
});

describe('real uplink mode', () => {
  test('router traffic goes to host network', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_request, response) => response.end('host network reached'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const realLab = await startTestLab({ realUplink: true });
    try {
      const router = realLab.router('r1')!;
      expect(await router.hardware.uplink.resolve('localhost')).toBe('127.0.0.1');
      const socket = await router.hardware.uplink.openConnection('127.0.0.1', port);
      const reply = await new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        socket.on('end', () => resolve(text));
        socket.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
      });
      expect(reply).toContain('host network reached');
    } finally {
      await realLab.stop();
      server.close();
    }
  });
});
