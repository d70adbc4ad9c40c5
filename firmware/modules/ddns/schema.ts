/** Applications >> Dynamic DNS Setup settings: a global switch and six accounts. */
import { PROVIDER_IDS } from './providers';

export const DDNS_ACCOUNT_COUNT = 6;
export const WAN_CHOICES = ['WAN1-first', 'WAN1-only', 'WAN2-first', 'WAN2-only'] as const;
export type WanChoice = (typeof WAN_CHOICES)[number];

export interface DdnsAccount {
  enabled: boolean;
  wan: WanChoice;
  provider: string;
  serviceType: 'dynamic' | 'custom' | 'static';
  /** Host name to update; for DrayDDNS the name before `.drayddns.com` is enough. */
  domain: string;
  login: string;
  password: string;
  wildcards: boolean;
  backupMx: boolean;
  /** Mail exchanger host for the `mx` parameter (Mail Extender). */
  mailExtender: string;
  /** `wan` registers the WAN's own address; `internet` asks a "what is my address" service (behind NAT). */
  realWanIp: 'wan' | 'internet';
  intervalMinutes: number;
  userDefined: { providerHost: string; apiPath: string; authType: 'basic' | 'url'; connection: 'http' | 'https'; expectedResponse: string };
}

export interface DdnsConfig {
  enabled: boolean;
  accounts: DdnsAccount[];
}

export function emptyAccount(): DdnsAccount {
  return {
    enabled: false,
    wan: 'WAN1-first',
    provider: 'drayddns',
    serviceType: 'dynamic',
    domain: '',
    login: '',
    password: '',
    wildcards: false,
    backupMx: false,
    mailExtender: '',
    realWanIp: 'wan',
    // The Vigor's default update interval is one day.
    intervalMinutes: 1440,
    userDefined: { providerHost: '', apiPath: '/nic/update?hostname=###HOSTNAME###&myip=###IP###', authType: 'basic', connection: 'https', expectedResponse: 'good' },
  };
}

const hostName = '^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$';

export const ddnsSchema = {
  type: 'object',
  properties: {
    enabled: { type: 'boolean', title: 'Enable Dynamic DNS Setup' },
    accounts: {
      type: 'array',
      minItems: DDNS_ACCOUNT_COUNT,
      maxItems: DDNS_ACCOUNT_COUNT,
      items: {
        type: 'object',
        properties: {
          enabled: { type: 'boolean', title: 'Enable Dynamic DNS Account' },
          wan: { type: 'string', title: 'WAN Interface', enum: [...WAN_CHOICES] },
          provider: { type: 'string', title: 'Service Provider', enum: PROVIDER_IDS },
          serviceType: { type: 'string', title: 'Service Type', enum: ['dynamic', 'custom', 'static'] },
          domain: { type: 'string', title: 'Domain Name', maxLength: 253, anyOf: [{ pattern: hostName }, { maxLength: 0 }] },
          login: { type: 'string', title: 'Login Name', maxLength: 64 },
          password: { type: 'string', title: 'Password', maxLength: 24, secret: true },
          wildcards: { type: 'boolean', title: 'Wildcards' },
          backupMx: { type: 'boolean', title: 'Backup MX' },
          mailExtender: { type: 'string', title: 'Mail Extender', maxLength: 253, anyOf: [{ pattern: hostName }, { maxLength: 0 }] },
          realWanIp: { type: 'string', title: 'Determine Real WAN IP', enum: ['wan', 'internet'] },
          intervalMinutes: { type: 'integer', title: 'Update interval in minutes', minimum: 1, maximum: 1440 },
          userDefined: {
            type: 'object',
            properties: {
              providerHost: { type: 'string', title: 'Provider Host', maxLength: 253, anyOf: [{ pattern: hostName }, { maxLength: 0 }] },
              apiPath: { type: 'string', title: 'Service API', maxLength: 255, pattern: '^(/[\\x21-\\x7e]*)?$' },
              authType: { type: 'string', title: 'Auth Type', enum: ['basic', 'url'] },
              connection: { type: 'string', title: 'Connection Type', enum: ['http', 'https'] },
              expectedResponse: { type: 'string', title: 'Server Response', maxLength: 64 },
            },
            required: ['providerHost', 'apiPath', 'authType', 'connection', 'expectedResponse'],
            additionalProperties: false,
          },
        },
        required: ['enabled', 'wan', 'provider', 'serviceType', 'domain', 'login', 'password', 'wildcards', 'backupMx', 'mailExtender', 'realWanIp', 'intervalMinutes', 'userDefined'],
        additionalProperties: false,
      },
    },
  },
  required: ['enabled', 'accounts'],
  additionalProperties: false,
};
