/**
 * System Maintenance >> Management: the router's management services and who may reach them. The
 * module serves the admin UI over HTTP and HTTPS (the UI layer installs the request handler), puts
 * every management service on its port on the LAN and WAN sides, and installs the inbound filter
 * that enforces the access rules, brute force blocks and the ping switch.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { connectionOf, copyConnection, sideOf, type InboundConnection } from '../../../hal';
import { loadRouterCertificate, type RouterCertificate } from '../../certificate';
import { loadDdnsCertificate, type DdnsCertificate } from '../ddns/certificate';
import type { FirmwareModule, ModuleContext } from '../../config/module';
import type { FieldError } from '../../errors';
import type { ObjectsConfig } from '../objects';
import { decideAccess } from './access';
import { BruteForceGuard, type BlockedSource } from './bruteForce';
import { effectivePorts, managementDefaults, managementSchema, MANAGEMENT_SERVICES, type ManagementConfig, type ManagementService } from './schema';
import { tlsVersionOptions, validateTlsVersions } from './tls';

export * from './schema';
export type { BlockedSource } from './bruteForce';

/** First line each service without an emulated implementation sends before it closes. */
const SERVICE_BANNERS: Partial<Record<ManagementService, string>> = {
  ftp: '220 DrayTek FTP server ready\r\n',
  telnet: 'Account:',
  ssh: 'SSH-2.0-DrayOS\r\n',
  tr069: 'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm="TR-069"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
};

export class ManagementModule implements FirmwareModule<ManagementConfig> {
  readonly name = 'management';
  readonly title = 'Management';
  readonly schema = managementSchema();
  bruteForce!: BruteForceGuard;
  private context!: ModuleContext;
  private server: Server | undefined;
  private certificate: RouterCertificate | undefined;
  private secureContext: SecureContext | undefined;
  /** The DrayDDNS name's certificate, served to clients that ask for that name (SNI). */
  private ddnsCertificate: DdnsCertificate | undefined;
  private ddnsContext: SecureContext | undefined;
  private unlisten: (() => void)[] = [];
  /** Open management connections from the WAN, so that closing access also ends them. */
  private readonly wanConnections = new Map<Duplex, ManagementService>();
  private readonly onDdnsCertificate = () => void this.loadDdnsCertificate();

  constructor(private readonly webHandler: () => RequestListener | undefined) {}

  factoryDefaults(): ManagementConfig {
    return managementDefaults();
  }

  validate(config: ManagementConfig, document: Record<string, unknown>): FieldError[] {
    const errors: FieldError[] = [...validateTlsVersions(config.tls)];
    const ports = effectivePorts(config);
    for (const [index, service] of MANAGEMENT_SERVICES.entries()) {
      const clash = MANAGEMENT_SERVICES.slice(0, index).find((other) => ports[other] === ports[service]);
      if (clash) errors.push({ field: `ports.${service}`, message: `must differ from the ${clash.toUpperCase()} port ${ports[clash]}`, title: `${service.toUpperCase()} port` });
    }
    const objects = (document.objects as ObjectsConfig | undefined)?.ipObjects ?? [];
    config.internet.accessList.forEach((index, position) => {
      if (index > 0 && !objects[index - 1]?.name) errors.push({ field: `internet.accessList.${position}`, message: `refers to IP object ${index}, which is not set up; create it in Objects Setting >> IP Object or choose another`, title: 'Access List' });
    });
    return errors;
  }

  async start(context: ModuleContext): Promise<void> {
    this.context = context;
    this.bruteForce = new BruteForceGuard(context.hardware.clock, () => this.config().bruteForce, (block) => this.logBlock(block));
    const lanAddress = context.store.get<{ LAN1: { ip: string } }>('lan').LAN1.ip;
    this.certificate = await loadRouterCertificate(context.hardware, lanAddress);
    this.ddnsCertificate = await loadDdnsCertificate(context.hardware);
    this.updateSecureContext();
    context.events.on('ddns.certificate', this.onDdnsCertificate);
    this.server = createServer((request, response) => {
      const handler = this.webHandler();
      if (handler) return handler(request, response);
      response.writeHead(503, { 'content-type': 'text/plain' }).end('The web UI is not installed on this router\n');
    });
    context.hardware.inbound.setFilter((connection, service) => this.filter(connection, service));
    context.hardware.inbound.setPingResponder((connection) => sideOf(connection.interface) === 'lan' || !this.config().internet.disablePing);
    this.bindListeners();
  }

  stop(): void {
    this.context.events.off('ddns.certificate', this.onDdnsCertificate);
    for (const unlisten of this.unlisten) unlisten();
    this.unlisten = [];
    this.context.hardware.inbound.setFilter(() => 'accept');
    this.server?.closeAllConnections();
    this.server?.close();
    this.server = undefined;
    this.bruteForce.clear();
  }

  configChanged(next: ManagementConfig, previous: ManagementConfig): void {
    const nextPorts = effectivePorts(next);
    const previousPorts = effectivePorts(previous);
    if (MANAGEMENT_SERVICES.some((service) => nextPorts[service] !== previousPorts[service])) {
      this.bindListeners();
      this.context.syslog.notice('Management', `Management ports are now ${MANAGEMENT_SERVICES.map((service) => `${service.toUpperCase()} ${nextPorts[service]}`).join(', ')}`);
    }
    if (JSON.stringify(next.tls) !== JSON.stringify(previous.tls)) this.updateSecureContext();
    if (next.internet.allow !== previous.internet.allow) {
      this.context.syslog.notice('Management', `Management from the Internet ${next.internet.allow ? 'allowed' : 'disabled'}`);
    } else if (next.internet.allow && next.internet.services.https !== previous.internet.services.https) {
      this.context.syslog.notice('Management', `HTTPS Server from the Internet ${next.internet.services.https ? 'allowed' : 'disabled'}`);
    }
    this.closeRevokedWanConnections();
  }

  config(): ManagementConfig {
    return this.context.store.get<ManagementConfig>(this.name);
  }

  /** Idle time after which a web session ends, in milliseconds, or null when auto-logout is off. */
  sessionIdleMs(): number | null {
    const config = this.context.store.read<ManagementConfig>(this.name);
    return config.disableAutoLogout ? null : config.autoLogoutMinutes * 60_000;
  }

  routerName(): string {
    return this.context.store.read<ManagementConfig>(this.name).routerName;
  }

  /** Returns the management service behind a virtual port, as the current port setup assigns them. */
  serviceAt(port: number): ManagementService | undefined {
    const ports = effectivePorts(this.config());
    return MANAGEMENT_SERVICES.find((service) => ports[service] === port);
  }

  private filter(connection: InboundConnection, registered: string | undefined): 'accept' | 'drop' | 'reject' {
    const service = registered && (MANAGEMENT_SERVICES as readonly string[]).includes(registered) ? (registered as ManagementService) : undefined;
    const objects = this.context.store.get<ObjectsConfig>('objects').ipObjects;
    return decideAccess(this.config(), objects, (source, name) => this.bruteForce.isBlocked(source, name), {
      side: sideOf(connection.interface),
      sourceAddress: connection.sourceAddress,
      service,
    });
  }

  private bindListeners(): void {
    for (const unlisten of this.unlisten) unlisten();
    const ports = effectivePorts(this.config());
    const inbound = this.context.hardware.inbound;
    this.unlisten = [];
    for (const side of ['lan', 'wan'] as const) {
      for (const service of MANAGEMENT_SERVICES) {
        this.unlisten.push(inbound.listen(service, side, ports[service], (socket) => this.accept(service, socket)));
      }
    }
  }

  /** Ends open WAN connections that the current rules would not accept any more, as a firewall drops them. */
  private closeRevokedWanConnections(): void {
    for (const [socket, service] of this.wanConnections) {
      const connection = connectionOf(socket);
      if (connection && this.filter(connection, service) !== 'accept') socket.destroy();
    }
  }

  private accept(service: ManagementService, socket: Duplex): void {
    if (connectionOf(socket)?.interface.startsWith('WAN')) {
      this.wanConnections.set(socket, service);
      socket.once('close', () => this.wanConnections.delete(socket));
    }
    if (service === 'http') {
      this.server!.emit('connection', socket);
      return;
    }
    if (service === 'https') {
      // TLS ends here; the decrypted stream goes to the same web server.
      const secure = new TLSSocket(socket, {
        isServer: true,
        secureContext: this.secureContext,
        ALPNProtocols: ['http/1.1'],
        SNICallback: (servername, callback) => callback(null, this.contextFor(servername)),
      });
      secure.on('error', () => socket.destroy());
      copyConnection(socket, secure);
      this.server!.emit('connection', secure);
      return;
    }
    // NOTE: FTP, Telnet, SSH and TR-069 only greet and close; their protocols are not emulated.
    socket.on('error', () => socket.destroy());
    socket.end(SERVICE_BANNERS[service] ?? '');
  }

  private updateSecureContext(): void {
    const versions = tlsVersionOptions(this.config().tls);
    this.secureContext = createSecureContext({ cert: this.certificate!.certPem, key: this.certificate!.keyPem, ...versions });
    const ddns = this.ddnsCertificate;
    this.ddnsContext = ddns ? createSecureContext({ cert: ddns.chainPem, key: ddns.keyPem, ...versions }) : undefined;
  }

  /** Returns the TLS context for a name: the DrayDDNS certificate for its own name while valid, else the router's own. */
  private contextFor(servername: string): SecureContext | undefined {
    const ddns = this.ddnsCertificate;
    const valid = ddns && ddns.hostname === servername.toLowerCase() && ddns.notAfter > this.context.hardware.clock.now();
    return valid ? this.ddnsContext : this.secureContext;
  }

  private async loadDdnsCertificate(): Promise<void> {
    this.ddnsCertificate = await loadDdnsCertificate(this.context.hardware);
    this.updateSecureContext();
  }

  private logBlock(block: BlockedSource): void {
    const minutes = Math.round((block.until - this.context.hardware.clock.now()) / 60_000);
    this.context.syslog.warning('Management', `Brute force protection blocked ${block.sourceAddress} for ${block.service.toUpperCase()} after ${block.failures} failed logins, for ${minutes} minutes`);
    this.context.events.emit('admin.bruteForceBlocked', block);
  }
}
