/** Objects Setting >> Notification Object and Applications >> SMS/Mail Alert Service settings. */
import { EVENT_IDS } from './events';

export const NOTIFICATION_OBJECT_COUNT = 8;
export const ALERT_RULE_COUNT = 10;
/** Recipients per alert rule; the Vigor field holds a comma-separated list. */
export const MAX_RECIPIENTS = 10;

export interface NotificationObject {
  name: string;
  events: string[];
}

export interface AlertRule {
  enabled: boolean;
  /** Mail profile index, 1-based (0 for none). */
  mailProfile: number;
  recipients: string[];
  /** Notification object index, 1-based (0 for none). */
  notificationObject: number;
  schedule: { always: boolean; from: string; to: string };
}

export interface AlertsConfig {
  notificationObjects: NotificationObject[];
  rules: AlertRule[];
}

export function emptyNotificationObject(): NotificationObject {
  return { name: '', events: [] };
}

export function emptyRule(): AlertRule {
  return { enabled: false, mailProfile: 0, recipients: [], notificationObject: 0, schedule: { always: true, from: '00:00', to: '23:59' } };
}

const time = { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' };

export const alertsSchema = {
  type: 'object',
  properties: {
    notificationObjects: {
      type: 'array',
      minItems: NOTIFICATION_OBJECT_COUNT,
      maxItems: NOTIFICATION_OBJECT_COUNT,
      items: {
        type: 'object',
        properties: {
          name: { type: 'string', title: 'Profile Name', maxLength: 15, pattern: '^[\\x20-\\x7e]*$' },
          events: { type: 'array', title: 'Events', items: { type: 'string', enum: EVENT_IDS }, uniqueItems: true },
        },
        required: ['name', 'events'],
        additionalProperties: false,
      },
    },
    rules: {
      type: 'array',
      minItems: ALERT_RULE_COUNT,
      maxItems: ALERT_RULE_COUNT,
      items: {
        type: 'object',
        properties: {
          enabled: { type: 'boolean', title: 'Enable' },
          mailProfile: { type: 'integer', title: 'Mail Service Object', minimum: 0, maximum: 10 },
          recipients: { type: 'array', title: 'Recipients', maxItems: MAX_RECIPIENTS, items: { type: 'string', format: 'email', maxLength: 254 } },
          notificationObject: { type: 'integer', title: 'Notification Object', minimum: 0, maximum: NOTIFICATION_OBJECT_COUNT },
          schedule: {
            type: 'object',
            properties: { always: { type: 'boolean', title: 'Always' }, from: { ...time, title: 'From (HH:MM)' }, to: { ...time, title: 'To (HH:MM)' } },
            required: ['always', 'from', 'to'],
            additionalProperties: false,
          },
        },
        required: ['enabled', 'mailProfile', 'recipients', 'notificationObject', 'schedule'],
        additionalProperties: false,
      },
    },
  },
  required: ['notificationObjects', 'rules'],
  additionalProperties: false,
};

/** True when `minutes` after midnight (UTC, the router's clock) falls in the window; a window may cross midnight. */
export function inWindow(schedule: AlertRule['schedule'], minutes: number): boolean {
  if (schedule.always) return true;
  const [fromHours, fromMinutes] = schedule.from.split(':').map(Number) as [number, number];
  const [toHours, toMinutes] = schedule.to.split(':').map(Number) as [number, number];
  const from = fromHours * 60 + fromMinutes;
  const to = toHours * 60 + toMinutes;
  return from <= to ? minutes >= from && minutes <= to : minutes >= from || minutes <= to;
}
