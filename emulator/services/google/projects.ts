/**
 * Cloud projects: the OAuth consent screen (app name, publishing status, test users) and OAuth
 * clients (Web application type: client ID, secrets, authorized redirect URIs). A secret's value
 * is returned once at creation and only its SHA-256 is kept.
 */
import { randomInt } from 'node:crypto';
import { ALPHANUMERIC, matchesSha256, newGuid, randomText, sha256Hex } from '../identity/credentials';
import { conflict, invalidInput, notFound } from '../identity/errors';
import { checkDisplayName, checkEmailAddress, checkRedirectUri } from '../identity/validation';
import type { GoogleContext } from './context';
import { PUBLISHING_STATUSES, type CloudProject, type ConsentScreen, type OAuthClient, type PublishingStatus } from './model';

/** Project IDs: 6 to 30 lower-case letters, digits or hyphens, starting with a letter, as Google requires. */
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** Google's limits: 100 test users per app, 2 secrets per OAuth client. */
export const MAX_TEST_USERS = 100;
export const MAX_CLIENT_SECRETS = 2;
const MAX_REDIRECT_URIS = 100;

export interface NewProject {
  name: string;
  owner: string;
  /** Project ID; derived from the name with a random number when left out. */
  id?: string;
  appName?: string;
}

export class CloudProjects {
  constructor(private readonly context: GoogleContext) {}

  list(): CloudProject[] {
    return this.context.file.data.projects;
  }

  find(id: string): CloudProject | undefined {
    return this.list().find((project) => project.id === id.trim().toLowerCase());
  }

  require(id: string, field = 'project'): CloudProject {
    const project = this.find(id);
    if (project) return project;
    throw notFound(field, `No lab Cloud project has the ID "${id}"; lab projects are ${this.list().map((entry) => entry.id).join(', ') || 'none'}.`);
  }

  create(input: NewProject): CloudProject {
    const name = checkDisplayName(input.name, 'name');
    const owner = checkEmailAddress(input.owner, 'owner');
    const id = input.id?.trim().toLowerCase() ?? `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 22) || 'project'}-${randomInt(100000, 1000000)}`;
    if (!PROJECT_ID.test(id)) throw invalidInput('id', `"id" must be 6 to 30 lower-case letters, digits or hyphens, start with a letter and not end with a hyphen; got "${id}".`);
    if (this.find(id)) throw conflict('id', `A lab Cloud project already has the ID ${id}.`);
    const project: CloudProject = {
      id,
      name,
      number: String(randomInt(100_000_000_000, 1_000_000_000_000)),
      owner,
      createdAt: this.context.now(),
      consentScreen: { appName: checkDisplayName(input.appName ?? name, 'appName'), supportEmail: owner, userType: 'External', publishingStatus: 'Testing', testUsers: [] },
      clients: [],
    };
    this.list().push(project);
    this.context.file.save();
    this.context.logger.info({ project: id, owner }, 'Cloud project created');
    return project;
  }

  remove(project: CloudProject): void {
    const state = this.context.file.data;
    const clientIds = project.clients.map((client) => client.clientId);
    state.projects.splice(state.projects.indexOf(project), 1);
    state.grants = state.grants.filter((grant) => !clientIds.includes(grant.clientId));
    state.refreshTokens = state.refreshTokens.filter((token) => !clientIds.includes(token.clientId));
    this.context.file.save();
    this.context.logger.info({ project: project.id }, 'Cloud project deleted');
  }

  updateConsentScreen(project: CloudProject, changes: Partial<Pick<ConsentScreen, 'appName' | 'supportEmail' | 'publishingStatus'>>): void {
    if (changes.publishingStatus !== undefined && !PUBLISHING_STATUSES.includes(changes.publishingStatus)) {
      throw invalidInput('publishingStatus', `"publishingStatus" must be "Testing" or "In production"; got "${String(changes.publishingStatus)}".`, [...PUBLISHING_STATUSES]);
    }
    const screen = project.consentScreen;
    if (changes.appName !== undefined) screen.appName = checkDisplayName(changes.appName, 'appName');
    if (changes.supportEmail !== undefined) screen.supportEmail = checkEmailAddress(changes.supportEmail, 'supportEmail');
    if (changes.publishingStatus !== undefined) screen.publishingStatus = changes.publishingStatus as PublishingStatus;
    this.context.file.save();
    this.context.logger.info({ project: project.id, ...changes }, 'OAuth consent screen changed');
  }

  addTestUser(project: CloudProject, email: string): void {
    const address = checkEmailAddress(email, 'email');
    const users = project.consentScreen.testUsers;
    if (users.includes(address)) return;
    if (users.length >= MAX_TEST_USERS) throw invalidInput('email', `An app in Testing can have at most ${MAX_TEST_USERS} test users.`);
    users.push(address);
    this.context.file.save();
  }

  /** Replaces the test users; the list is checked whole before anything changes. */
  setTestUsers(project: CloudProject, emails: string[]): void {
    const checked = [...new Set(emails.map((email, index) => checkEmailAddress(email, `testUsers[${index}]`)))];
    if (checked.length > MAX_TEST_USERS) throw invalidInput('testUsers', `An app in Testing can have at most ${MAX_TEST_USERS} test users; got ${checked.length}.`);
    project.consentScreen.testUsers = checked;
    this.context.file.save();
  }

  removeTestUser(project: CloudProject, email: string): void {
    const users = project.consentScreen.testUsers;
    const address = email.trim().toLowerCase();
    if (!users.includes(address)) throw notFound('email', `${address} is not a test user of ${project.consentScreen.appName}.`);
    users.splice(users.indexOf(address), 1);
    this.context.file.save();
  }

  /** Creates a Web application client with its first secret; the value exists only in this reply. */
  createClient(project: CloudProject, input: { name: string; redirectUris: string[] }): { client: OAuthClient; secretValue: string } {
    const client: OAuthClient = {
      clientId: `${project.number}-${randomText(32, 'abcdefghijklmnopqrstuvwxyz0123456789')}.apps.googleusercontent.com`,
      name: checkDisplayName(input.name, 'name'),
      type: 'Web application',
      redirectUris: checkRedirectUris(input.redirectUris),
      secrets: [],
      createdAt: this.context.now(),
    };
    project.clients.push(client);
    const secretValue = this.addSecret(project, client);
    this.context.logger.info({ project: project.id, clientId: client.clientId }, 'OAuth client created');
    return { client, secretValue };
  }

  findClient(clientId: string): { project: CloudProject; client: OAuthClient } | undefined {
    for (const project of this.list()) {
      const client = project.clients.find((candidate) => candidate.clientId === clientId.trim());
      if (client) return { project, client };
    }
    return undefined;
  }

  requireClient(project: CloudProject, clientId: string): OAuthClient {
    const client = project.clients.find((candidate) => candidate.clientId === clientId.trim());
    if (client) return client;
    throw notFound('clientId', `The project ${project.id} has no OAuth client "${clientId}".`);
  }

  removeClient(project: CloudProject, client: OAuthClient): void {
    const state = this.context.file.data;
    project.clients.splice(project.clients.indexOf(client), 1);
    state.grants = state.grants.filter((grant) => grant.clientId !== client.clientId);
    state.refreshTokens = state.refreshTokens.filter((token) => token.clientId !== client.clientId);
    this.context.file.save();
    this.context.logger.info({ project: project.id, clientId: client.clientId }, 'OAuth client deleted');
  }

  updateClient(client: OAuthClient, changes: { name?: string; redirectUris?: string[] }): void {
    if (changes.name !== undefined) client.name = checkDisplayName(changes.name, 'name');
    if (changes.redirectUris !== undefined) client.redirectUris = checkRedirectUris(changes.redirectUris);
    this.context.file.save();
  }

  /** Adds a secret (`GOCSPX-` and 28 characters, as Google's) and returns its value, shown once. */
  addSecret(project: CloudProject, client: OAuthClient): string {
    if (client.secrets.length >= MAX_CLIENT_SECRETS) throw conflict('clientId', `An OAuth client can have at most ${MAX_CLIENT_SECRETS} secrets; delete one first.`);
    const value = `GOCSPX-${randomText(28, `${ALPHANUMERIC}-_`)}`;
    client.secrets.push({ id: newGuid(), hash: sha256Hex(value), hint: value.slice(-4), createdAt: this.context.now() });
    this.context.file.save();
    this.context.logger.info({ project: project.id, clientId: client.clientId }, 'OAuth client secret added');
    return value;
  }

  removeSecret(project: CloudProject, client: OAuthClient, secretId: string): void {
    const index = client.secrets.findIndex((secret) => secret.id === secretId.trim().toLowerCase());
    if (index < 0) throw notFound('secretId', `The OAuth client ${client.name} has no secret with the ID "${secretId}".`);
    client.secrets.splice(index, 1);
    this.context.file.save();
    this.context.logger.info({ project: project.id, clientId: client.clientId }, 'OAuth client secret deleted');
  }

  checkSecret(client: OAuthClient, value: string): boolean {
    return client.secrets.some((secret) => matchesSha256(secret.hash, value));
  }
}

function checkRedirectUris(uris: string[]): string[] {
  if (!Array.isArray(uris)) throw invalidInput('redirectUris', '"redirectUris" must be a list of URIs.');
  if (uris.length > MAX_REDIRECT_URIS) throw invalidInput('redirectUris', `An OAuth client can have at most ${MAX_REDIRECT_URIS} authorized redirect URIs.`);
  const checked = uris.map((uri, index) => checkRedirectUri(String(uri), `redirectUris[${index}]`));
  return [...new Set(checked)];
}
