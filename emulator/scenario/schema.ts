/**
 * The JSON Schema of scenario files. docs/ci.md publishes it, and a test checks that the published
 * copy equals `scenarioSchema`.
 */

const text = { type: 'string', minLength: 1 } as const;
const router = { type: 'string', pattern: '^r[0-9]+$', description: 'Router id; default r1.' } as const;
const menuPage = { type: 'string', minLength: 1, description: 'Menu path as the web UI shows it, e.g. "System Maintenance >> Management", or a URL path starting with /.' } as const;
const query = { type: 'object', additionalProperties: { type: ['string', 'number'] }, description: 'Query of the page, e.g. {index: 1}.' } as const;
const fieldValue = { type: ['string', 'number', 'boolean', 'null', 'array'], items: { type: ['string', 'number'] } } as const;
const textOrList = { oneOf: [text, { type: 'array', items: text, minItems: 1 }] } as const;
const timeoutSeconds = { type: 'number', minimum: 0, maximum: 300, description: 'Host seconds to wait for the condition; default 10.' } as const;

function args(properties: Record<string, unknown>, required: string[] = []): Record<string, unknown> {
  return { type: 'object', properties, required, additionalProperties: false };
}

/** Faults that `injectFault` can set, with the parameters each needs. */
export const FAULTS = {
  clientSecretExpired: 'ends the validity of the client secret of a Microsoft app (app)',
  consentRevoked: 'revokes every grant of a Microsoft app in its tenant (app)',
  refreshTokensRevoked: 'revokes the sessions and refresh tokens of a Microsoft user (user)',
  smtpAuthOff: 'switches SMTP AUTH off for the tenant, or for a mailbox with user',
  smtpAuthOn: 'switches SMTP AUTH on for the tenant, or for a mailbox with user',
  googleAppTesting: 'puts the consent screen of a Google project back to Testing (project; default the seeded project)',
  googleAccessRemoved: 'the Google user removes the access of an app (user, app)',
  dnsFailure: 'makes every lab DNS lookup fail with SERVFAIL',
  dnsRestored: 'ends the DNS failure',
  ddnsMaintenance: 'puts a DDNS provider into maintenance, so it replies 911 (provider; default drayddns)',
  ddnsMaintenanceOver: 'ends the maintenance of a DDNS provider',
  ddnsPasswordChanged: 'the DDNS account password changed at the provider, so it replies badauth (provider, account)',
} as const;
export type FaultName = keyof typeof FAULTS;

/** Actions a scenario step can take. */
export const ACTION_SCHEMAS: Record<string, Record<string, unknown>> = {
  routerSubmit: args(
    {
      router,
      page: menuPage,
      query,
      form: { ...text, description: 'Value of the hidden "action" field of the form to submit, for pages with several forms.' },
      fields: { type: 'object', additionalProperties: fieldValue, description: 'Fields by name; true ticks a checkbox, false unticks it; other fields keep the values the page shows.' },
      shows: { ...textOrList, description: 'Text the page shown after submitting must contain.' },
    },
    ['page', 'fields'],
  ),
  routerOpen: args({ router, page: menuPage, query }, ['page']),
  authorizeMail: args(
    {
      router,
      profile: { type: 'integer', minimum: 1, maximum: 10, description: 'Mail profile number; default 1.' },
      user: { ...text, description: 'User principal name or Google address of the person who signs in.' },
      password: text,
      expectAuthorized: { type: 'boolean', description: 'Whether the router must report the profile authorized; default true.' },
    },
    ['user', 'password'],
  ),
  unplug: args({ router, port: { enum: ['WAN1', 'WAN2', 'LAN1', 'LAN2', 'LAN3', 'LAN4'] } }, ['port']),
  plug: args({ router, port: { enum: ['WAN1', 'WAN2', 'LAN1', 'LAN2', 'LAN3', 'LAN4'] } }, ['port']),
  advanceClock: {
    ...args({ seconds: { type: 'number', minimum: 0 }, minutes: { type: 'number', minimum: 0 }, hours: { type: 'number', minimum: 0 }, days: { type: 'number', minimum: 0 } }),
    minProperties: 1,
  },
  injectFault: args(
    {
      fault: { enum: Object.keys(FAULTS) },
      app: { ...text, description: 'Name of an app from lab.apps.' },
      user: text,
      tenant: text,
      project: text,
      provider: text,
      account: text,
    },
    ['fault'],
  ),
};

/** Checks; a check waits up to timeoutSeconds for its condition, and they may appear among the steps too. */
export const EXPECTATION_SCHEMAS: Record<string, Record<string, unknown>> = {
  mailReceived: args({ mailbox: text, subject: text, body: text, timeoutSeconds }, ['mailbox']),
  syslogContains: args({ router, text, category: text, timeoutSeconds }, ['text']),
  dnsResolves: args({ name: text, to: text, timeoutSeconds }, ['name', 'to']),
  pageShows: args({ router, page: menuPage, query, text: textOrList, timeoutSeconds }, ['page', 'text']),
  tokenStatus: args(
    { router, profile: { type: 'integer', minimum: 1, maximum: 10 }, status: { enum: ['authorized', 'reauthorizationRequired', 'notAuthorized'] }, text, timeoutSeconds },
    ['status'],
  ),
  timelineContains: args({ text, protocol: { enum: ['dns', 'access', 'ddns', 'oauth', 'smtp', 'http', 'lab'] }, timeoutSeconds }, ['text']),
};

export const STEP_NAMES = [...Object.keys(ACTION_SCHEMAS), ...Object.keys(EXPECTATION_SCHEMAS)];

function oneKeyObject(schemas: Record<string, Record<string, unknown>>): Record<string, unknown> {
  return { type: 'object', minProperties: 1, maxProperties: 1, properties: schemas, additionalProperties: false };
}

export const scenarioSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'vigor-sim scenario',
  type: 'object',
  required: ['name', 'steps'],
  additionalProperties: false,
  properties: {
    name: text,
    description: { type: 'string' },
    lab: args({
      routers: { type: 'integer', minimum: 1, maximum: 20, description: 'Number of routers; default 1.' },
      tenants: {
        type: 'array',
        items: args(
          {
            displayName: text,
            domain: text,
            adminPassword: text,
            smtpAuthEnabled: { type: 'boolean' },
            users: { type: 'array', items: args({ userPrincipalName: text, displayName: text, password: text }, ['userPrincipalName', 'displayName', 'password']) },
          },
          ['displayName', 'domain'],
        ),
      },
      apps: {
        type: 'object',
        description: 'Apps by name; steps use their values as ${apps.NAME.clientId} and ${apps.NAME.clientSecret}.',
        additionalProperties: args(
          {
            provider: { enum: ['microsoft', 'google'] },
            tenant: { ...text, description: 'Microsoft tenant id or domain; default the seeded tenant.' },
            project: { ...text, description: 'Google Cloud project; default the seeded project.' },
            displayName: text,
            adminConsent: { type: 'boolean', description: 'Grant admin consent for the tenant (Microsoft); default true.' },
            secretExpiresInDays: { type: 'integer', minimum: 1, maximum: 730 },
          },
          ['provider'],
        ),
      },
    }),
    steps: { type: 'array', minItems: 1, items: oneKeyObject({ ...ACTION_SCHEMAS, ...EXPECTATION_SCHEMAS }) },
    expect: { type: 'array', items: oneKeyObject(EXPECTATION_SCHEMAS) },
  },
} as const;
