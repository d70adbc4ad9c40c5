/**
 * WAN >> General Setup and Internet Access: how each WAN gets its address. The module brings a WAN
 * up when its cable is plugged in, retries on the lab clock when no address is offered, and reports
 * every change to the syslog and the event bus (`wan.up`, `wan.down`).
 */
import { isDeepStrictEqual } from 'node:util';
import { UplinkError, WAN_PORTS, type AddressChangeReason, type AddressEvent, type AddressRequest, type LinkEvent, type TimerHandle, type WanPortName } from '../../hal';
import type { FirmwareModule, ModuleContext } from '../config/module';
import type { FieldError } from '../errors';
import { inSubnet, isNetworkOrBroadcast } from '../ipv4';

export interface WanPortConfig {
  enabled: boolean;
  mode: 'dhcp' | 'static' | 'pppoe';
  static: { ip: string; prefixLength: number; gateway: string; dns1: string; dns2: string };
  pppoe: { username: string; password: string };
}

export type WanConfig = Record<WanPortName, WanPortConfig>;

/** Wait before asking again after a failed DHCP or PPPoE attempt (a DHCP client's usual 30 s). */
const RETRY_DELAY_MS = 30_000;
const DISCONNECT_CAUSES: Record<AddressChangeReason, string> = {
  assigned: 'new address',
  released: 'released',
  'link-down': 'cable unplugged',
  'line-drop': 'the line dropped the session',
};

/** Wait before dialling again after the ISP dropped the session (PPPoE and DHCP clients wait a few seconds). */
const REDIAL_DELAY_MS = 5_000;

const ipv4 = { type: 'string', format: 'ipv4' };
const ipv4OrEmpty = { type: 'string', anyOf: [{ format: 'ipv4' }, { maxLength: 0 }] };

const portSchema = {
  type: 'object',
  properties: {
    enabled: { type: 'boolean', title: 'Enable' },
    mode: { type: 'string', title: 'Access mode', enum: ['dhcp', 'static', 'pppoe'] },
    static: {
      type: 'object',
      properties: {
        ip: { ...ipv4OrEmpty, title: 'IP Address' },
        prefixLength: { type: 'integer', title: 'Subnet mask length', minimum: 1, maximum: 32 },
        gateway: { ...ipv4OrEmpty, title: 'Gateway IP Address' },
        dns1: { ...ipv4OrEmpty, title: 'Primary DNS' },
        dns2: { ...ipv4OrEmpty, title: 'Secondary DNS' },
      },
      required: ['ip', 'prefixLength', 'gateway', 'dns1', 'dns2'],
      additionalProperties: false,
    },
    pppoe: {
      type: 'object',
      properties: {
        username: { type: 'string', title: 'PPPoE user name', maxLength: 63 },
        password: { type: 'string', title: 'PPPoE password', maxLength: 62, secret: true },
      },
      required: ['username', 'password'],
      additionalProperties: false,
    },
  },
  required: ['enabled', 'mode', 'static', 'pppoe'],
  additionalProperties: false,
  // Static mode needs an address and a gateway; PPPoE needs a user name.
  allOf: [
    {
      if: { type: 'object', properties: { mode: { const: 'static' } } },
      then: { type: 'object', properties: { static: { type: 'object', properties: { ip: ipv4, gateway: ipv4 } } } },
    },
    {
      if: { type: 'object', properties: { mode: { const: 'pppoe' } } },
      then: { type: 'object', properties: { pppoe: { type: 'object', properties: { username: { type: 'string', minLength: 1 } } } } },
    },
  ],
};

export class WanModule implements FirmwareModule<WanConfig> {
  readonly name = 'wan';
  readonly title = 'WAN';
  readonly schema = {
    type: 'object',
    properties: Object.fromEntries(WAN_PORTS.map((port) => [port, { ...portSchema, title: port }])),
    required: [...WAN_PORTS],
    additionalProperties: false,
  };
  private context!: ModuleContext;
  private running = false;
  /** Counter incremented by start and stop, so that a lease resolved after a stop can be recognised. */
  private generation = 0;
  private readonly retries = new Map<WanPortName, TimerHandle>();
  private readonly onLink = (event: LinkEvent) => this.linkChanged(event);
  private readonly onAddress = (event: AddressEvent) => this.addressChanged(event);

  factoryDefaults(): WanConfig {
    const port = (): WanPortConfig => ({
      enabled: true,
      mode: 'dhcp',
      static: { ip: '', prefixLength: 24, gateway: '', dns1: '', dns2: '' },
      pppoe: { username: '', password: '' },
    });
    return { WAN1: port(), WAN2: port() };
  }

  validate(config: WanConfig): FieldError[] {
    const errors: FieldError[] = [];
    for (const port of WAN_PORTS) {
      const { mode, static: fixed } = config[port];
      if (mode !== 'static') continue;
      if (isNetworkOrBroadcast(fixed.ip, fixed.prefixLength)) {
        errors.push({ field: `${port}.static.ip`, message: `is the network or broadcast address of ${fixed.ip}/${fixed.prefixLength}; choose a host address`, title: 'IP Address' });
      }
      if (fixed.gateway === fixed.ip) {
        errors.push({ field: `${port}.static.gateway`, message: 'must differ from the WAN IP address', title: 'Gateway IP Address' });
      } else if (!inSubnet(fixed.gateway, fixed.ip, fixed.prefixLength)) {
        errors.push({ field: `${port}.static.gateway`, message: `must be inside ${fixed.ip}/${fixed.prefixLength}, the WAN's own subnet`, title: 'Gateway IP Address' });
      }
    }
    return errors;
  }

  start(context: ModuleContext): void {
    this.context = context;
    this.running = true;
    this.generation += 1;
    context.hardware.ports.on('link', this.onLink);
    context.hardware.ports.on('address', this.onAddress);
    for (const port of WAN_PORTS) void this.connect(port);
  }

  stop(): void {
    this.running = false;
    this.generation += 1;
    const { hardware } = this.context;
    hardware.ports.off('link', this.onLink);
    hardware.ports.off('address', this.onAddress);
    for (const port of WAN_PORTS) {
      this.cancelRetry(port);
      hardware.uplink.disconnect(port);
    }
  }

  configChanged(next: WanConfig, previous: WanConfig): void {
    for (const port of WAN_PORTS) {
      // Only a WAN whose own settings changed reconnects; the other keeps its session.
      if (isDeepStrictEqual(next[port], previous[port])) continue;
      this.cancelRetry(port);
      this.context.hardware.uplink.disconnect(port);
      if (next[port].enabled) void this.connect(port);
    }
  }

  private linkChanged({ port, up }: LinkEvent): void {
    if (port !== 'WAN1' && port !== 'WAN2') {
      this.context.syslog.info('LAN', `${port} link ${up ? 'up' : 'down'}`);
      return;
    }
    if (up) {
      this.context.syslog.info('WAN', `${port} cable connected, link up at 1000 Mbps full duplex`);
      void this.connect(port);
    } else {
      this.cancelRetry(port);
      this.context.syslog.warning('WAN', `${port} link down (cable unplugged)`);
    }
  }

  private addressChanged({ port, address, previous, reason }: AddressEvent): void {
    if (address) {
      this.context.syslog.notice('WAN', `${port} is connected, IP ${address.ip}/${address.prefixLength}, gateway ${address.gateway} (${address.mode.toUpperCase()})`);
      this.context.events.emit('wan.up', { port, address, previous });
      return;
    }
    if (!previous) return;

    this.context.syslog.warning('WAN', `${port} is disconnected (was ${previous.ip}; ${DISCONNECT_CAUSES[reason]})`);
    this.context.events.emit('wan.down', { port, previous, reason });
    if (reason === 'line-drop' && this.running) {
      this.context.syslog.info('WAN', `${port} redials in ${REDIAL_DELAY_MS / 1000} s`);
      this.cancelRetry(port);
      this.retries.set(port, this.context.hardware.clock.setTimeout(() => void this.connect(port), REDIAL_DELAY_MS));
    }
  }

  private async connect(port: WanPortName): Promise<void> {
    const { hardware, store, syslog } = this.context;
    const config = store.get<WanConfig>(this.name)[port];
    if (!config.enabled || !hardware.ports.isUp(port) || hardware.ports.address(port)) return;

    const generation = this.generation;
    try {
      await hardware.uplink.connect(port, this.addressRequest(config));
    } catch (error) {
      if (generation !== this.generation) return;
      if (error instanceof UplinkError && error.code === 'NO_CARRIER') return;
      syslog.warning('WAN', `${port} did not get an address: ${(error as Error).message}; retrying in ${RETRY_DELAY_MS / 1000} s`);
      this.cancelRetry(port);
      this.retries.set(port, hardware.clock.setTimeout(() => void this.connect(port), RETRY_DELAY_MS));
      return;
    }
    if (generation !== this.generation) {
      // The module stopped (a reboot or shutdown) while the lease request was pending. No listener
      // announced this address, so it is released, and a restarted module requests a new one.
      hardware.uplink.disconnect(port);
      if (this.running) void this.connect(port);
    }
  }

  private addressRequest(config: WanPortConfig): AddressRequest {
    if (config.mode === 'pppoe') return { mode: 'pppoe', username: config.pppoe.username, password: config.pppoe.password };
    if (config.mode === 'static') {
      const { ip, prefixLength, gateway, dns1, dns2 } = config.static;
      return { mode: 'static', ip, prefixLength, gateway, dns: [dns1, dns2].filter(Boolean) };
    }
    return { mode: 'dhcp' };
  }

  private cancelRetry(port: WanPortName): void {
    this.context.hardware.clock.clearTimer(this.retries.get(port));
    this.retries.delete(port);
  }
}
