/**
 * System Maintenance >> Management: router name and web session settings, and the web server the
 * admin UI is served from. The firmware serves whatever request handler the UI layer installs.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { copyConnection } from '../../hal';
import { loadRouterCertificate } from '../certificate';
import type { FirmwareModule, ModuleContext } from '../config/module';
import type { FieldError } from '../errors';

export interface ManagementConfig {
  routerName: string;
  disableAutoLogout: boolean;
  /** Idle minutes before a web session ends. */
  autoLogoutMinutes: number;
  ports: { http: number; https: number };
}

export class ManagementModule implements FirmwareModule<ManagementConfig> {
  readonly name = 'management';
  readonly title = 'Management';
  readonly schema = {
    type: 'object',
    properties: {
      routerName: { type: 'string', title: 'Router Name', minLength: 1, maxLength: 31, pattern: '^[\\x20-\\x7e]+$' },
      disableAutoLogout: { type: 'boolean', title: 'Disable Auto-Logout' },
      autoLogoutMinutes: { type: 'integer', title: 'Auto-Logout time in minutes', minimum: 1, maximum: 1440 },
      ports: {
        type: 'object',
        title: 'Management Port Setup',
        properties: {
          http: { type: 'integer', title: 'HTTP port', minimum: 1, maximum: 65535 },
          // A default lets configuration files from before HTTPS was served load unchanged.
          https: { type: 'integer', title: 'HTTPS port', minimum: 1, maximum: 65535, default: 443 },
        },
        required: ['http'],
        additionalProperties: false,
      },
    },
    required: ['routerName', 'disableAutoLogout', 'autoLogoutMinutes', 'ports'],
    additionalProperties: false,
  };
  private context!: ModuleContext;
  private server: Server | undefined;
  private secureContext: SecureContext | undefined;
  private unlisten: (() => void)[] = [];

  constructor(private readonly webHandler: () => RequestListener | undefined) {}

  factoryDefaults(): ManagementConfig {
    // A Vigor logs an idle admin out after 5 minutes unless Disable Auto-Logout is ticked.
    return { routerName: 'DrayTek', disableAutoLogout: false, autoLogoutMinutes: 5, ports: { http: 80, https: 443 } };
  }

  validate(config: ManagementConfig): FieldError[] {
    if (config.ports.http !== config.ports.https) return [];
    return [{ field: 'ports.https', message: `must differ from the HTTP port ${config.ports.http}`, title: 'HTTPS port' }];
  }

  async start(context: ModuleContext): Promise<void> {
    this.context = context;
    const lanAddress = context.store.get<{ LAN1: { ip: string } }>('lan').LAN1.ip;
    const certificate = await loadRouterCertificate(context.hardware, lanAddress);
    this.secureContext = createSecureContext({ cert: certificate.certPem, key: certificate.keyPem, minVersion: 'TLSv1.2' });
    this.server = createServer((request, response) => {
      const handler = this.webHandler();
      if (handler) return handler(request, response);
      response.writeHead(503, { 'content-type': 'text/plain' }).end('The web UI is not installed on this router\n');
    });
    this.bindListeners();
  }

  stop(): void {
    for (const unlisten of this.unlisten) unlisten();
    this.unlisten = [];
    this.server?.closeAllConnections();
    this.server?.close();
    this.server = undefined;
  }

  configChanged(next: ManagementConfig, previous: ManagementConfig): void {
    if (next.ports.http !== previous.ports.http || next.ports.https !== previous.ports.https) {
      this.bindListeners();
      this.context.syslog.notice('Management', `Web UI ports are now HTTP ${next.ports.http} and HTTPS ${next.ports.https}`);
    }
  }

  /** Idle time after which a web session ends, in milliseconds, or null when auto-logout is off. */
  sessionIdleMs(): number | null {
    const config = this.context.store.get<ManagementConfig>(this.name);
    return config.disableAutoLogout ? null : config.autoLogoutMinutes * 60_000;
  }

  routerName(): string {
    return this.context.store.get<ManagementConfig>(this.name).routerName;
  }

  private bindListeners(): void {
    for (const unlisten of this.unlisten) unlisten();
    const server = this.server!;
    const { http, https } = this.context.store.get<ManagementConfig>(this.name).ports;
    const inbound = this.context.hardware.inbound;
    // NOTE: only the LAN side is served so far; WAN management follows the management access rules once they exist.
    this.unlisten = [
      inbound.listen('http', 'lan', http, (socket) => server.emit('connection', socket)),
      inbound.listen('https', 'lan', https, (socket) => this.acceptTls(socket)),
    ];
  }

  /** Ends TLS here and hands the decrypted stream to the same web server. */
  private acceptTls(socket: Duplex): void {
    const secure = new TLSSocket(socket, { isServer: true, secureContext: this.secureContext, ALPNProtocols: ['http/1.1'] });
    secure.on('error', () => socket.destroy());
    copyConnection(socket, secure);
    this.server!.emit('connection', secure);
  }
}
