/**
 * System Maintenance >> Management settings: general setup, Internet access control with its
 * access list, LAN access, management ports, brute force protection and TLS versions. Every new
 * property has a default, so that a configuration saved by an older version loads unchanged.
 */

/** TCP services the router can be managed over; SNMP (UDP) is a switch without a listener. */
export const MANAGEMENT_SERVICES = ['ftp', 'http', 'https', 'telnet', 'tr069', 'ssh'] as const;
export type ManagementService = (typeof MANAGEMENT_SERVICES)[number];

/** Default ports of each service (Vigor Management Port Setup, "Default Ports"). */
export const DEFAULT_PORTS: Record<ManagementService, number> = { ftp: 21, http: 80, https: 443, telnet: 23, tr069: 8069, ssh: 22 };

/** Printable ASCII, as the Vigor accepts in a router name. */
export const ROUTER_NAME_PATTERN = '^[\\x20-\\x7e]+$';

/** Access list entries from the Internet, each the index of an IP object (0 for none). */
export const ACCESS_LIST_SIZE = 10;
/** LAN subnets besides LAN1 in LAN Access Setup. */
export const OTHER_LAN_SUBNETS = ['LAN2', 'LAN3', 'LAN4', 'LAN5', 'LAN6', 'DMZ'] as const;

export interface ManagementConfig {
  routerName: string;
  disableAutoLogout: boolean;
  /** Idle minutes before a web session ends. */
  autoLogoutMinutes: number;
  /** A number to type from a picture on the login page. */
  validationCode: boolean;
  internet: {
    allow: boolean;
    services: Record<ManagementService | 'enforceHttps' | 'snmp', boolean>;
    /** When set, management from the Internet only through this host name. */
    domainNameAllowed: string;
    disablePing: boolean;
    accessList: number[];
  };
  lanAccess: {
    services: Record<ManagementService, boolean>;
    subnets: Record<(typeof OTHER_LAN_SUBNETS)[number], { allow: boolean; ipObject: number }>;
  };
  ports: { userDefined: boolean } & Record<ManagementService, number>;
  bruteForce: {
    enabled: boolean;
    services: Record<ManagementService, boolean>;
    maxFailures: number;
    penaltySeconds: number;
  };
  tls: { tls13: boolean; tls12: boolean; tls11: boolean; tls10: boolean; ssl3: boolean };
}

const serviceSwitches = (extra: string[], defaults: Record<string, boolean>) => ({
  type: 'object',
  properties: Object.fromEntries([...MANAGEMENT_SERVICES, ...extra].map((name) => [name, { type: 'boolean', default: defaults[name] ?? false }])),
  additionalProperties: false,
  default: defaults,
});

const port = (title: string, fallback: number) => ({ type: 'integer', title, minimum: 1, maximum: 65535, default: fallback });

export function managementDefaults(): ManagementConfig {
  const allServices = Object.fromEntries(MANAGEMENT_SERVICES.map((name) => [name, true])) as Record<ManagementService, boolean>;
  return {
    // A Vigor logs an idle admin out after 5 minutes unless Disable Auto-Logout is ticked.
    routerName: 'DrayTek',
    disableAutoLogout: false,
    autoLogoutMinutes: 5,
    validationCode: false,
    internet: {
      allow: false,
      services: { ftp: false, http: false, enforceHttps: false, https: false, telnet: false, tr069: false, ssh: false, snmp: false },
      domainNameAllowed: '',
      disablePing: true,
      accessList: Array.from({ length: ACCESS_LIST_SIZE }, () => 0),
    },
    lanAccess: {
      services: allServices,
      subnets: Object.fromEntries(OTHER_LAN_SUBNETS.map((name) => [name, { allow: true, ipObject: 0 }])) as ManagementConfig['lanAccess']['subnets'],
    },
    ports: { userDefined: false, ...DEFAULT_PORTS },
    // The example of DrayTek's guide: 5 failures, then a 30-minute penalty.
    bruteForce: { enabled: true, services: { ...allServices }, maxFailures: 5, penaltySeconds: 1800 },
    tls: { tls13: true, tls12: true, tls11: false, tls10: false, ssl3: false },
  };
}

export function managementSchema(): Record<string, unknown> {
  const defaults = managementDefaults();
  return {
    type: 'object',
    properties: {
      routerName: { type: 'string', title: 'Router Name', minLength: 1, maxLength: 31, pattern: ROUTER_NAME_PATTERN },
      disableAutoLogout: { type: 'boolean', title: 'Disable Auto-Logout' },
      autoLogoutMinutes: { type: 'integer', title: 'Auto-Logout time in minutes', minimum: 1, maximum: 1440 },
      validationCode: { type: 'boolean', title: 'Enable Validation Code', default: false },
      internet: {
        type: 'object',
        title: 'Internet Access Control',
        properties: {
          allow: { type: 'boolean', title: 'Allow management from the Internet', default: false },
          services: serviceSwitches(['enforceHttps', 'snmp'], defaults.internet.services),
          domainNameAllowed: { type: 'string', title: 'Domain name allowed', maxLength: 253, pattern: '^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)?$', default: '' },
          disablePing: { type: 'boolean', title: 'Disable PING from the Internet', default: true },
          accessList: {
            type: 'array',
            title: 'Access List from the Internet',
            minItems: 10,
            maxItems: 10,
            items: { type: 'integer', title: 'IP Object index', minimum: 0, maximum: 192 },
            default: defaults.internet.accessList,
          },
        },
        additionalProperties: false,
        default: defaults.internet,
      },
      lanAccess: {
        type: 'object',
        title: 'LAN Access Setup',
        properties: {
          services: serviceSwitches([], defaults.lanAccess.services),
          subnets: {
            type: 'object',
            properties: Object.fromEntries(
              OTHER_LAN_SUBNETS.map((name) => [
                name,
                {
                  type: 'object',
                  properties: { allow: { type: 'boolean', default: true }, ipObject: { type: 'integer', title: `${name} IP Object index`, minimum: 0, maximum: 192, default: 0 } },
                  additionalProperties: false,
                  default: { allow: true, ipObject: 0 },
                },
              ]),
            ),
            additionalProperties: false,
            default: defaults.lanAccess.subnets,
          },
        },
        additionalProperties: false,
        default: defaults.lanAccess,
      },
      ports: {
        type: 'object',
        title: 'Management Port Setup',
        properties: {
          userDefined: { type: 'boolean', title: 'User Define Ports', default: false },
          http: port('HTTP port', 80),
          https: port('HTTPS port', 443),
          ftp: port('FTP port', 21),
          telnet: port('Telnet port', 23),
          tr069: port('TR-069 port', 8069),
          ssh: port('SSH port', 22),
        },
        additionalProperties: false,
        default: defaults.ports,
      },
      bruteForce: {
        type: 'object',
        title: 'Brute Force Protection',
        properties: {
          enabled: { type: 'boolean', title: 'Enable brute force login protection', default: true },
          services: serviceSwitches([], defaults.bruteForce.services),
          maxFailures: { type: 'integer', title: 'Maximum login failures', minimum: 1, maximum: 255, default: 5 },
          penaltySeconds: { type: 'integer', title: 'Penalty period in seconds', minimum: 1, maximum: 86400, default: 1800 },
        },
        additionalProperties: false,
        default: defaults.bruteForce,
      },
      tls: {
        type: 'object',
        title: 'TLS/SSL Encryption Setup',
        properties: Object.fromEntries(['tls13', 'tls12', 'tls11', 'tls10', 'ssl3'].map((name) => [name, { type: 'boolean', default: defaults.tls[name as keyof ManagementConfig['tls']] }])),
        additionalProperties: false,
        default: defaults.tls,
      },
    },
    required: ['routerName', 'disableAutoLogout', 'autoLogoutMinutes', 'ports'],
    additionalProperties: false,
  };
}

/** The port each service listens on: the user's ports when "User Define Ports" is chosen, else the defaults. */
export function effectivePorts(config: ManagementConfig): Record<ManagementService, number> {
  if (!config.ports.userDefined) return { ...DEFAULT_PORTS };
  return Object.fromEntries(MANAGEMENT_SERVICES.map((name) => [name, config.ports[name]])) as Record<ManagementService, number>;
}
