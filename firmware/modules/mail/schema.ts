/** Objects Setting >> SMS/Mail Service Object: ten mail profiles. */

export const MAIL_PROFILE_COUNT = 10;
export const SECURITY_MODES = ['none', 'ssl', 'starttls'] as const;
export const AUTH_MODES = ['none', 'password', 'oauth2'] as const;
export const OAUTH_PROVIDERS = ['microsoft', 'google'] as const;
export type OAuthProviderName = (typeof OAUTH_PROVIDERS)[number];

export interface MailProfile {
  name: string;
  smtpServer: string;
  smtpPort: number;
  security: (typeof SECURITY_MODES)[number];
  sender: string;
  auth: (typeof AUTH_MODES)[number];
  username: string;
  password: string;
  oauth: { provider: OAuthProviderName; clientId: string; clientSecret: string; tenantId: string };
  /** Seconds to wait between two mails of this profile. */
  sendingIntervalSeconds: number;
}

export interface MailConfig {
  profiles: MailProfile[];
}

export function emptyProfile(): MailProfile {
  return {
    name: '',
    smtpServer: '',
    smtpPort: 587,
    security: 'starttls',
    sender: '',
    auth: 'none',
    username: '',
    password: '',
    oauth: { provider: 'microsoft', clientId: '', clientSecret: '', tenantId: '' },
    sendingIntervalSeconds: 0,
  };
}

/** Server, port and security each provider documents for SMTP submission. */
export const PROVIDER_PRESETS: Record<OAuthProviderName, { smtpServer: string; smtpPort: number; security: MailProfile['security'] }> = {
  microsoft: { smtpServer: 'smtp.office365.com', smtpPort: 587, security: 'starttls' },
  google: { smtpServer: 'smtp.gmail.com', smtpPort: 587, security: 'starttls' },
};

const hostName = '^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$';
const guidOrDomain = '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z0-9.-]+\\.[A-Za-z]{2,}|common|organizations|consumers)$';

export const mailSchema = {
  type: 'object',
  properties: {
    profiles: {
      type: 'array',
      minItems: MAIL_PROFILE_COUNT,
      maxItems: MAIL_PROFILE_COUNT,
      items: {
        type: 'object',
        properties: {
          name: { type: 'string', title: 'Profile Name', maxLength: 15, pattern: '^[\\x20-\\x7e]*$' },
          smtpServer: { type: 'string', title: 'SMTP Server', maxLength: 253, anyOf: [{ pattern: hostName }, { maxLength: 0 }] },
          smtpPort: { type: 'integer', title: 'SMTP Port', minimum: 1, maximum: 65535 },
          security: { type: 'string', title: 'Connection Security', enum: [...SECURITY_MODES] },
          sender: { type: 'string', title: 'Sender Address', maxLength: 254, anyOf: [{ format: 'email' }, { maxLength: 0 }] },
          auth: { type: 'string', title: 'Authentication', enum: [...AUTH_MODES] },
          username: { type: 'string', title: 'User Name', maxLength: 254 },
          password: { type: 'string', title: 'Password', maxLength: 128, secret: true },
          oauth: {
            type: 'object',
            properties: {
              provider: { type: 'string', title: 'OAuth Provider', enum: [...OAUTH_PROVIDERS] },
              clientId: { type: 'string', title: 'Client ID', maxLength: 256, pattern: '^[\\x21-\\x7e]*$' },
              clientSecret: { type: 'string', title: 'Client Secret', maxLength: 256, secret: true },
              tenantId: { type: 'string', title: 'Tenant ID', maxLength: 253, anyOf: [{ pattern: guidOrDomain }, { maxLength: 0 }] },
            },
            required: ['provider', 'clientId', 'clientSecret', 'tenantId'],
            additionalProperties: false,
          },
          sendingIntervalSeconds: { type: 'integer', title: 'Sending Interval in seconds', minimum: 0, maximum: 3600 },
        },
        required: ['name', 'smtpServer', 'smtpPort', 'security', 'sender', 'auth', 'username', 'password', 'oauth', 'sendingIntervalSeconds'],
        additionalProperties: false,
      },
    },
  },
  required: ['profiles'],
  additionalProperties: false,
};
