/**
 * Notification objects and the SMS/Mail Alert Service: router events become alert mails for every
 * enabled rule whose notification object selects the event and whose schedule covers the time.
 * Alerts go into the durable queue first; delivery takes them from there.
 */
import { randomBytes } from 'node:crypto';
import type { SensorReadings, TimerHandle } from '../../../hal';
import { certificateInfo } from '../../x509';
import { loadRouterCertificate } from '../../certificate';
import type { FirmwareModule, ModuleContext } from '../../config/module';
import type { FieldError } from '../../errors';
import { loadDdnsCertificate } from '../ddns/certificate';
import type { MailModule } from '../mail';
import { AlertDelivery } from './delivery';
import { CERTIFICATE_WARNING_MS, eventLabel, SENSOR_LIMITS } from './events';
import { ALERT_QUEUE_FILE, AlertQueue, type QueuedAlert } from './queue';
import { ALERT_RULE_COUNT, alertsSchema, emptyNotificationObject, emptyRule, inWindow, NOTIFICATION_OBJECT_COUNT, type AlertsConfig } from './schema';

export * from './schema';
export * from './events';
export type { QueuedAlert } from './queue';

export interface RouterEvent {
  id: string;
  /** One line for the subject, e.g. `WAN1 disconnected`. */
  summary: string;
  /** Detail lines for the body. */
  details: Record<string, string>;
  /** Mail profile (0-based) that must not carry this alert, e.g. the one needing re-authorization. */
  excludeProfile?: number;
}

const DAY_MS = 86_400_000;

export class AlertsModule implements FirmwareModule<AlertsConfig> {
  readonly name = 'alerts';
  readonly title = 'SMS/Mail Alert Service';
  readonly schema = alertsSchema;
  queue!: AlertQueue;
  private context!: ModuleContext;
  private delivery!: AlertDelivery;
  private unsubscribe: (() => void)[] = [];
  private certificateTimer: TimerHandle | undefined;
  private readonly disconnectedWans = new Set<string>();
  private readonly sensorAlarms = new Set<string>();
  private readonly certificateWarnings = new Set<string>();

  constructor(private readonly mail: MailModule) {}

  factoryDefaults(): AlertsConfig {
    return { notificationObjects: Array.from({ length: NOTIFICATION_OBJECT_COUNT }, emptyNotificationObject), rules: Array.from({ length: ALERT_RULE_COUNT }, emptyRule) };
  }

  validate(config: AlertsConfig, document: Record<string, unknown>): FieldError[] {
    const errors: FieldError[] = [];
    const profiles = (document.mail as { profiles?: { name: string }[] } | undefined)?.profiles ?? [];
    config.rules.forEach((rule, index) => {
      if (!rule.enabled) return;
      const field = `rules.${index}`;
      if (rule.mailProfile === 0 || !profiles[rule.mailProfile - 1]?.name) errors.push({ field: `${field}.mailProfile`, message: 'must be a mail profile that is set up', title: 'Mail Service Object' });
      if (rule.notificationObject === 0 || !config.notificationObjects[rule.notificationObject - 1]?.name) errors.push({ field: `${field}.notificationObject`, message: 'must be a notification object that is set up', title: 'Notification Object' });
      if (rule.recipients.length === 0) errors.push({ field: `${field}.recipients`, message: 'is missing; give at least one e-mail address', title: 'Recipients' });
    });
    return errors;
  }

  async start(context: ModuleContext): Promise<void> {
    this.context = context;
    this.queue = new AlertQueue(context.hardware.flash.file(ALERT_QUEUE_FILE));
    const { recovered } = await this.queue.load();
    if (recovered > 0) context.syslog.warning('Mail', `${recovered} alert(s) were being sent when the router stopped; they are sent again with the same Message-ID`);
    this.delivery = new AlertDelivery(context, this.queue, this.mail);
    this.subscribe();
    this.certificateTimer = context.hardware.clock.setInterval(() => void this.checkCertificates(), DAY_MS);
    void this.checkCertificates();
    this.delivery.kick();
  }

  async stop(): Promise<void> {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    this.unsubscribe = [];
    this.context.hardware.clock.clearTimer(this.certificateTimer);
    this.delivery.stop();
    await this.queue.flush();
  }

  /** Raises an event: one queued alert per matching rule. Returns the alerts queued. */
  async raise(event: RouterEvent): Promise<QueuedAlert[]> {
    const config = this.context.store.get<AlertsConfig>(this.name);
    const clock = this.context.hardware.clock;
    const now = clock.now();
    const minutes = Math.floor((now % DAY_MS) / 60_000);
    const queued: QueuedAlert[] = [];

    for (const rule of config.rules) {
      if (!rule.enabled || !inWindow(rule.schedule, minutes)) continue;
      const object = config.notificationObjects[rule.notificationObject - 1];
      if (!object?.events.includes(event.id)) continue;
      const profileIndex = rule.mailProfile - 1;
      if (profileIndex === event.excludeProfile) {
        this.context.syslog.info('Mail', `Alert "${event.summary}" not sent through mail profile ${rule.mailProfile}, the profile it is about`);
        continue;
      }
      queued.push(this.compose(event, profileIndex, rule.recipients, now));
    }
    if (queued.length === 0) return queued;
    // One write for all rules, queued before the first await, so that a caller flushing flash right
    // after raising the event waits for it.
    await this.queue.add(...queued);
    this.delivery.kick();
    return queued;
  }

  /** Looks at the queue now (after a WAN comes up, or for a test). */
  kick(): void {
    this.delivery.kick();
  }

  private compose(event: RouterEvent, profileIndex: number, recipients: string[], now: number): QueuedAlert {
    const board = this.context.hardware.board;
    const routerName = this.context.store.get<{ routerName: string }>('management').routerName;
    const id = randomBytes(12).toString('hex');
    const lines = [
      `Router: ${routerName} (${board.model}, serial ${board.serialNumber})`,
      `Event: ${eventLabel(event.id)}`,
      `Time: ${new Date(now).toISOString().replace('T', ' ').slice(0, 19)} UTC`,
      ...Object.entries(event.details).map(([key, value]) => `${key}: ${value}`),
      '',
      'This alert was sent by the SMS/Mail Alert Service of the router.',
    ];
    return {
      id,
      messageId: `<${id}@${board.serialNumber.toLowerCase()}.vigor-alert>`,
      createdAt: now,
      event: event.id,
      profileIndex,
      recipients,
      subject: `[${routerName}] ${event.summary}`,
      text: lines.join('\n'),
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
    };
  }

  private subscribe(): void {
    const { events, hardware } = this.context;
    const on = (name: string, handler: (payload: Record<string, unknown>) => void) => {
      const listener = (payload: Record<string, unknown>) => handler(payload ?? {});
      events.on(name, listener);
      this.unsubscribe.push(() => events.off(name, listener));
    };

    on('wan.down', ({ port, previous }) => {
      this.disconnectedWans.add(String(port));
      void this.raise({ id: 'wan.disconnected', summary: `${String(port)} disconnected`, details: { WAN: String(port), 'Previous address': (previous as { ip?: string } | null)?.ip ?? 'none' } });
    });
    on('wan.up', ({ port, address }) => {
      // A WAN's first connection after start-up is part of the start-up, not a reconnection.
      if (this.disconnectedWans.delete(String(port))) void this.raise({ id: 'wan.reconnected', summary: `${String(port)} reconnected`, details: { WAN: String(port), Address: (address as { ip: string }).ip } });
      this.delivery.kick();
    });
    on('ddns.failed', ({ index, hostname, message, code }) => void this.raise({ id: 'ddns.failed', summary: `DDNS update of ${String(hostname)} failed`, details: { Account: String(index), 'Host name': String(hostname), Result: String(code ?? message) } }));
    on('admin.loginFailed', ({ username, source, service }) => void this.raise({ id: 'admin.loginFailed', summary: `Login failure from ${String(source)}`, details: { User: String(username).slice(0, 32), Source: String(source), Service: String(service).toUpperCase() } }));
    on('admin.bruteForceBlocked', ({ sourceAddress, service, until }) => void this.raise({ id: 'admin.bruteForceBlocked', summary: `${String(sourceAddress)} blocked by brute force protection`, details: { Source: String(sourceAddress), Service: String(service).toUpperCase(), 'Blocked until': new Date(Number(until)).toISOString() } }));
    on('config.changed', ({ modules, actor }) => void this.raise({ id: 'config.changed', summary: 'Configuration changed', details: { Sections: (modules as string[]).join(', '), By: String(actor) } }));
    on('system.startup', ({ source }) => void this.raise({ id: 'system.startup', summary: 'Router started', details: { Configuration: String(source) } }));
    on('mail.reauthorizationRequired', ({ profile, name, reason }) =>
      void this.raise({ id: 'mail.reauthorizationRequired', summary: `Mail profile ${String(profile)} needs re-authorization`, details: { Profile: `${String(profile)} (${String(name)})`, Reason: String(reason) }, excludeProfile: Number(profile) - 1 }),
    );

    const onSensors = (readings: SensorReadings) => this.checkSensors(readings);
    hardware.sensors.on('change', onSensors);
    this.unsubscribe.push(() => hardware.sensors.off('change', onSensors));
  }

  /** Raises a sensor alert when a reading crosses its limit; it re-arms once the reading is back. */
  private checkSensors(readings: SensorReadings): void {
    const checks: [string, boolean, string, string][] = [
      ['sensor.temperature', readings.temperatureC > SENSOR_LIMITS.temperatureHighC || readings.temperatureC < SENSOR_LIMITS.temperatureLowC, `Temperature ${readings.temperatureC} °C out of range`, `${SENSOR_LIMITS.temperatureLowC} to ${SENSOR_LIMITS.temperatureHighC} °C`],
      ['sensor.cpu', readings.cpuPercent >= SENSOR_LIMITS.cpuPercent, `CPU usage ${readings.cpuPercent} %`, `below ${SENSOR_LIMITS.cpuPercent} %`],
      ['sensor.memory', readings.memoryPercent >= SENSOR_LIMITS.memoryPercent, `Memory usage ${readings.memoryPercent} %`, `below ${SENSOR_LIMITS.memoryPercent} %`],
    ];
    for (const [id, alarm, summary, normal] of checks) {
      if (alarm && !this.sensorAlarms.has(id)) {
        this.sensorAlarms.add(id);
        void this.raise({ id, summary, details: { Reading: summary, 'Normal range': normal } });
      } else if (!alarm) {
        this.sensorAlarms.delete(id);
      }
    }
  }

  private async checkCertificates(): Promise<void> {
    const { hardware, store } = this.context;
    const now = hardware.clock.now();
    const lanAddress = store.get<{ LAN1: { ip: string } }>('lan').LAN1.ip;
    const candidates: { label: string; notAfter: number }[] = [];
    try {
      const router = await loadRouterCertificate(hardware, lanAddress);
      candidates.push({ label: 'Router HTTPS certificate', notAfter: certificateInfo(router.certPem).notAfter.getTime() });
    } catch {
      // A router certificate that cannot be read is replaced at the next boot.
    }
    const ddns = await loadDdnsCertificate(hardware);
    if (ddns) candidates.push({ label: `Certificate for ${ddns.hostname}`, notAfter: ddns.notAfter });

    for (const { label, notAfter } of candidates) {
      const key = `${label}@${notAfter}`;
      if (notAfter - now > CERTIFICATE_WARNING_MS || this.certificateWarnings.has(key)) continue;
      this.certificateWarnings.add(key);
      await this.raise({ id: 'certificate.expiry', summary: `${label} ${notAfter <= now ? 'has expired' : 'expires soon'}`, details: { Certificate: label, 'Valid until': new Date(notAfter).toISOString() } });
    }
  }
}
