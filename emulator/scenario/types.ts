/** Scenario files after loading; docs/ci.md describes the format and emulator/scenario/schema.ts checks it. */
import type { FieldValue } from '../api/htmlForms';
import type { FaultName } from './schema';

type Router = { router?: string };
type Wait = { timeoutSeconds?: number };

export interface ActionArguments {
  routerSubmit: Router & { page: string; query?: Record<string, string | number>; form?: string; fields: Record<string, FieldValue>; shows?: string | string[] };
  routerOpen: Router & { page: string; query?: Record<string, string | number> };
  authorizeMail: Router & { profile?: number; user: string; password: string; expectAuthorized?: boolean };
  unplug: Router & { port: string };
  plug: Router & { port: string };
  advanceClock: { seconds?: number; minutes?: number; hours?: number; days?: number };
  injectFault: { fault: FaultName; app?: string; user?: string; tenant?: string; project?: string; provider?: string; account?: string };
}

export interface ExpectationArguments {
  mailReceived: Wait & { mailbox: string; subject?: string; body?: string };
  syslogContains: Router & Wait & { text: string; category?: string };
  dnsResolves: Wait & { name: string; to: string };
  pageShows: Router & Wait & { page: string; query?: Record<string, string | number>; text: string | string[] };
  tokenStatus: Router & Wait & { profile?: number; status: 'authorized' | 'reauthorizationRequired' | 'notAuthorized'; text?: string };
  timelineContains: Wait & { text: string; protocol?: 'dns' | 'access' | 'ddns' | 'oauth' | 'smtp' | 'http' | 'lab' };
}

export type StepArguments = ActionArguments & ExpectationArguments;

/** One step: a mapping with one key, the step name. `line` is the line in the file (not enumerable). */
export type Step = { [Name in keyof StepArguments]: { [K in Name]: StepArguments[K] } }[keyof StepArguments] & { line?: number };

export interface AppSetup {
  provider: 'microsoft' | 'google';
  tenant?: string;
  project?: string;
  displayName?: string;
  adminConsent?: boolean;
  secretExpiresInDays?: number;
}

export interface Scenario {
  name: string;
  description?: string;
  lab?: {
    routers?: number;
    tenants?: { displayName: string; domain: string; adminPassword?: string; smtpAuthEnabled?: boolean; users?: { userPrincipalName: string; displayName: string; password: string }[] }[];
    apps?: Record<string, AppSetup>;
  };
  steps: Step[];
  expect?: Step[];
  /** The file the scenario was read from. */
  file: string;
}
