/**
 * A provider's SMTP submission server on its lab Internet host: one smtp-server instance per port,
 * fed with the sockets the lab Internet delivers, never listening on the host itself. STARTTLS
 * ports upgrade inside the session; implicit-TLS ports (Gmail's 465) finish the TLS handshake
 * here before the session starts. The certificate comes from the lab CA.
 */
import type { Socket } from 'node:net';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';
import type { IssuedCertificate } from '../../../network/ca';
import type { ConnectionInfo, Internet } from '../../../network/internet';
import { DialectConnection } from './connection';
import type { SmtpContext } from './context';

/** A TLS handshake on an implicit-TLS port that takes longer than this is dropped. */
const HANDSHAKE_TIMEOUT_MS = 30_000;

export interface SmtpPort {
  port: number;
  /** TLS from the first byte (SMTPS) instead of STARTTLS. */
  implicitTls: boolean;
}

class DialectSmtpServer extends SMTPServer {
  private readonly byId = new Map<string, DialectConnection>();

  constructor(
    private readonly context: SmtpContext,
    certificate: IssuedCertificate,
    implicitTls: boolean,
  ) {
    super({
      secure: implicitTls,
      // The library puts this name in the few replies it words itself (421 "You talk too soon").
      name: context.dialect.host,
      key: certificate.keyPem,
      cert: certificate.chainPem,
      // The lab logs through pino in DialectConnection; the library's own logger stays off.
      logger: false,
      // The lab Internet has no reverse DNS; the client appears as its [address].
      disableReverseLookup: true,
      // DialectConnection decides when AUTH is needed, with the provider's reply.
      authOptional: true,
      hideENHANCEDSTATUSCODES: false,
      hideDSN: false,
      size: context.dialect.maxMessageBytes,
      rejectOversized: true,
      disabledCommands: ['WIZ', 'SHELL', 'KILL', 'XCLIENT', 'XFORWARD'],
    });
  }

  override connect(socket: Socket, options?: SMTPConnectionOptions | null): void {
    const connection = new DialectConnection(this, socket, options ?? {}, this.context);
    this.connections.add(connection);
    this.byId.set(connection.id, connection);
    connection.on('error', (error: Error) => this.context.logger.warn({ err: error, connection: connection.id }, 'SMTP connection error'));
    connection.init();
  }

  override onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null, message?: string) => void): void {
    const connection = this.byId.get(session.id);
    if (!connection) {
      callback(Object.assign(new Error('Error: connection not found'), { responseCode: 451 }));
      return;
    }
    connection.receiveMessage(stream, callback);
  }

  override onClose(session: SMTPServerSession): void {
    this.byId.get(session.id)?.closed();
    this.byId.delete(session.id);
  }

  /** Drops every open connection at once; the lab is stopping. */
  destroyAll(): void {
    for (const connection of this.connections) connection._socket.destroy();
  }
}

/** A running SMTP service: one dialect on all its ports. */
export interface SmtpServerHandle {
  /** Stops listening and drops every open connection; the lab is stopping. */
  stop(): void;
  /**
   * Takes the server down (false) or up again (true). While it is down, nothing listens on its
   * ports, so a client's connection is refused as by a server that is not running, and the open
   * connections are dropped.
   */
  setAccepting(accepting: boolean): void;
  accepting(): boolean;
}

/** Serves the dialect on its host's ports. */
export function startSmtpServer(internet: Internet, address: string, ports: SmtpPort[], certificate: IssuedCertificate, context: SmtpContext): SmtpServerHandle {
  const servers: DialectSmtpServer[] = [];
  let unlisten: (() => void)[] = [];
  const secureContext = createSecureContext({ cert: certificate.chainPem, key: certificate.keyPem });
  const listeners = ports.map(({ port, implicitTls }) => {
    const server = new DialectSmtpServer(context, certificate, implicitTls);
    servers.push(server);
    const service = `${context.dialect.host} SMTP${implicitTls ? 'S' : ''} port ${port}`;
    return () =>
      internet.listen(address, port, service, (socket, info) => {
        if (implicitTls) acceptImplicitTls(server, socket, info, secureContext);
        else server.connect(socket, optionsOf(socket, info));
      });
  });

  const listen = () => {
    unlisten = listeners.map((start) => start());
  };
  const close = () => {
    for (const stop of unlisten) stop();
    unlisten = [];
    for (const server of servers) server.destroyAll();
  };

  listen();
  context.logger.info({ host: context.dialect.host, ports: ports.map((entry) => entry.port) }, 'SMTP server started');

  return {
    stop: close,
    accepting: () => unlisten.length > 0,
    setAccepting(accepting) {
      if (accepting === unlisten.length > 0) return;
      if (accepting) listen();
      else close();
      context.logger.info({ host: context.dialect.host, accepting }, accepting ? 'SMTP server started again' : 'SMTP server taken down by the lab');
    },
  };
}

function acceptImplicitTls(server: DialectSmtpServer, socket: Socket, info: ConnectionInfo, secureContext: SecureContext): void {
  const secure = new TLSSocket(socket, { isServer: true, secureContext });
  const timer = setTimeout(() => secure.destroy(), HANDSHAKE_TIMEOUT_MS);
  secure.once('error', () => {
    clearTimeout(timer);
    socket.destroy();
  });
  secure.once('secure', () => {
    clearTimeout(timer);
    secure.removeAllListeners('error');
    server.connect(secure as unknown as Socket, optionsOf(socket, info));
  });
}

/** Connection options with the client's virtual address on the lab Internet instead of loopback. */
function optionsOf(socket: Socket, info: ConnectionInfo): SMTPConnectionOptions {
  return { remoteAddress: info.sourceAddress, remotePort: socket.remotePort, localAddress: info.destinationAddress, localPort: info.destinationPort };
}
