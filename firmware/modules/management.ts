/**
 * System Maintenance >> Management: router name and web session settings, and the web server the
 * admin UI is served from. The firmware serves whatever request handler the UI layer installs.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { FirmwareModule, ModuleContext } from '../config/module';

export interface ManagementConfig {
  routerName: string;
  disableAutoLogout: boolean;
  /** Idle minutes before a web session ends. */
  autoLogoutMinutes: number;
  ports: { http: number };
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
        properties: { http: { type: 'integer', title: 'HTTP port', minimum: 1, maximum: 65535 } },
        required: ['http'],
        additionalProperties: false,
      },
    },
    required: ['routerName', 'disableAutoLogout', 'autoLogoutMinutes', 'ports'],
    additionalProperties: false,
  };
  private context!: ModuleContext;
  private server: Server | undefined;
  private unlisten: (() => void) | undefined;

  constructor(private readonly webHandler: () => RequestListener | undefined) {}

  factoryDefaults(): ManagementConfig {
    // A Vigor logs an idle admin out after 5 minutes unless Disable Auto-Logout is ticked.
    return { routerName: 'DrayTek', disableAutoLogout: false, autoLogoutMinutes: 5, ports: { http: 80 } };
  }

  start(context: ModuleContext): void {
    this.context = context;
    this.server = createServer((request, response) => {
      const handler = this.webHandler();
      if (handler) return handler(request, response);
      response.writeHead(503, { 'content-type': 'text/plain' }).end('The web UI is not installed on this router\n');
    });
    this.bindListeners();
  }

  stop(): void {
    this.unlisten?.();
    this.unlisten = undefined;
    this.server?.closeAllConnections();
    this.server?.close();
    this.server = undefined;
  }

  configChanged(next: ManagementConfig, previous: ManagementConfig): void {
    if (next.ports.http !== previous.ports.http) {
      this.bindListeners();
      this.context.syslog.notice('Management', `Web UI HTTP port moved from ${previous.ports.http} to ${next.ports.http}`);
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
    this.unlisten?.();
    const server = this.server!;
    const { http } = this.context.store.get<ManagementConfig>(this.name).ports;
    // NOTE: only LAN HTTP is served so far; WAN and HTTPS management arrive with management access control.
    this.unlisten = this.context.hardware.inbound.listen('http', 'lan', http, (socket) => server.emit('connection', socket));
  }
}
