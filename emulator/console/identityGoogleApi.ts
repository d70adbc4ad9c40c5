/**
 * Lab API routes of the emulated Google identity service under /api/identity/google: accounts
 * (password change, suspension, removing an app's access), Cloud projects with the OAuth consent
 * screen (publishing status, test users) and OAuth clients with redirect URIs and secrets.
 */
import express, { type Request, type Router } from 'express';
import type { Lab } from '../lab';
import type { GoogleIdentity } from '../services/google/googleIdentity';
import { PUBLISHING_STATUSES, type CloudProject, type GoogleAccount, type OAuthClient } from '../services/google/model';
import { notFound } from '../services/identity/errors';
import { methodNotAllowed } from './errors';
import { identityOf, stringListField, textField } from './identityApi';
import { bodyObject, parseJsonBody, rejectQueryParameters, requireBoolean, requireJsonContentType, requireOneOf } from './validate';

const json = [rejectQueryParameters, requireJsonContentType, parseJsonBody];

function accountView(google: GoogleIdentity, account: GoogleAccount) {
  const { passwordHash: _passwordHash, ...visible } = account;
  const grants = google.grants.listFor(account.email).map((grant) => ({ clientId: grant.clientId, scopes: grant.scopes, offline: grant.offline, grantedAt: grant.grantedAt, refreshTokens: google.grants.liveRefreshTokenCount(account.email, grant.clientId) }));
  return { ...visible, grants };
}

function clientView(client: OAuthClient) {
  return { clientId: client.clientId, name: client.name, type: client.type, redirectUris: client.redirectUris, secrets: client.secrets.map((secret) => ({ id: secret.id, hint: secret.hint, createdAt: secret.createdAt })), createdAt: client.createdAt };
}

function projectView(project: CloudProject) {
  return { id: project.id, name: project.name, number: project.number, owner: project.owner, createdAt: project.createdAt, consentScreen: project.consentScreen, clients: project.clients.map(clientView) };
}

export function createGoogleIdentityApi(lab: Lab): Router {
  const api = express.Router();
  const google = () => identityOf(lab).google;
  const accountOf = (req: Request) => google().accounts.require(String(req.params.email), 'email');
  const projectOf = (req: Request) => google().projects.require(String(req.params.project), 'project');
  const clientOf = (req: Request) => {
    const project = projectOf(req);
    return { project, client: google().projects.requireClient(project, String(req.params.clientId)) };
  };

  api
    .route('/accounts')
    .get(rejectQueryParameters, (_req, res) => {
      res.json({ accounts: google().accounts.list().map((account) => accountView(google(), account)) });
    })
    .post(...json, async (req, res) => {
      const body = bodyObject(req, ['email', 'displayName', 'password'], '{"email": "trainee1@gmail.com", "displayName": "Trainee 1", "password": "Trainee-Lab-2026!"}');
      const account = await google().accounts.create({
        email: textField(body, 'email', { required: true, example: 'trainee1@gmail.com' }),
        displayName: textField(body, 'displayName', { required: true, example: 'Trainee 1' }),
        password: textField(body, 'password', { required: true, example: 'Trainee-Lab-2026!' }),
      });
      res.status(201).json(accountView(google(), account));
    })
    .all(methodNotAllowed(['GET', 'POST']));

  api
    .route('/accounts/:email')
    .get(rejectQueryParameters, (req, res) => {
      res.json(accountView(google(), accountOf(req)));
    })
    .delete(rejectQueryParameters, (req, res) => {
      google().accounts.remove(accountOf(req));
      res.status(204).end();
    })
    .all(methodNotAllowed(['GET', 'DELETE']));

  api
    .route('/accounts/:email/password')
    .post(...json, async (req, res) => {
      const account = accountOf(req);
      const password = textField(bodyObject(req, ['password'], '{"password": "New-Lab-2026!"}'), 'password', { required: true, example: 'New-Lab-2026!' });
      const { revokedGrants } = await google().accounts.changePassword(account, password);
      res.json({ ...accountView(google(), account), revokedGrants });
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/accounts/:email/enabled')
    .post(...json, (req, res) => {
      const account = accountOf(req);
      google().accounts.setEnabled(account, requireBoolean(bodyObject(req, ['enabled'], '{"enabled": false}'), 'enabled'));
      res.json(accountView(google(), account));
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/accounts/:email/grants/:clientId')
    .delete(rejectQueryParameters, (req, res) => {
      const account = accountOf(req);
      const grant = google().grants.find(account.email, String(req.params.clientId));
      if (!grant) throw notFound('clientId', `${account.email} has granted nothing to the client "${req.params.clientId}".`);
      google().grants.revoke(grant);
      res.status(204).end();
    })
    .all(methodNotAllowed(['DELETE']));

  api
    .route('/projects')
    .get(rejectQueryParameters, (_req, res) => {
      res.json({ projects: google().projects.list().map(projectView) });
    })
    .post(...json, (req, res) => {
      const body = bodyObject(req, ['name', 'owner', 'id', 'appName'], '{"name": "Trainee 1 mail", "owner": "lab.owner@gmail.com"}');
      const owner = textField(body, 'owner', { required: true, example: 'lab.owner@gmail.com' });
      google().accounts.require(owner, 'owner');
      const project = google().projects.create({ name: textField(body, 'name', { required: true, example: 'Trainee 1 mail' }), owner, id: textField(body, 'id', { example: 'trainee1-mail' }), appName: textField(body, 'appName', { example: 'Vigor Mail Alerts' }) });
      res.status(201).json(projectView(project));
    })
    .all(methodNotAllowed(['GET', 'POST']));

  api
    .route('/projects/:project')
    .get(rejectQueryParameters, (req, res) => {
      res.json(projectView(projectOf(req)));
    })
    .delete(rejectQueryParameters, (req, res) => {
      google().projects.remove(projectOf(req));
      res.status(204).end();
    })
    .all(methodNotAllowed(['GET', 'DELETE']));

  api
    .route('/projects/:project/consent-screen')
    .post(...json, (req, res) => {
      const project = projectOf(req);
      const body = bodyObject(req, ['appName', 'supportEmail', 'publishingStatus', 'testUsers'], '{"publishingStatus": "Testing", "testUsers": ["lab.alerts@gmail.com"]}');
      const publishingStatus = body.publishingStatus === undefined ? undefined : requireOneOf(body, 'publishingStatus', PUBLISHING_STATUSES);
      const testUsers = body.testUsers === undefined ? undefined : stringListField(body, 'testUsers', 'lab.alerts@gmail.com');
      const projects = google().projects;
      projects.updateConsentScreen(project, { appName: textField(body, 'appName', { example: 'Vigor Mail Alerts' }), supportEmail: textField(body, 'supportEmail', { example: 'lab.owner@gmail.com' }), publishingStatus });
      if (testUsers) projects.setTestUsers(project, testUsers);
      res.json(projectView(project));
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/projects/:project/clients')
    .post(...json, (req, res) => {
      const project = projectOf(req);
      const body = bodyObject(req, ['name', 'redirectUris'], '{"name": "Vigor router", "redirectUris": ["https://oauth2.drayddns.com/doc/mailOAuth.htm"]}');
      const { client, secretValue } = google().projects.createClient(project, {
        name: textField(body, 'name', { required: true, example: 'Vigor router' }),
        redirectUris: body.redirectUris === undefined ? [] : stringListField(body, 'redirectUris', 'https://oauth2.drayddns.com/doc/mailOAuth.htm'),
      });
      res.status(201).json({ ...clientView(client), clientSecret: secretValue });
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/projects/:project/clients/:clientId')
    .delete(rejectQueryParameters, (req, res) => {
      const { project, client } = clientOf(req);
      google().projects.removeClient(project, client);
      res.status(204).end();
    })
    .all(methodNotAllowed(['DELETE']));

  api
    .route('/projects/:project/clients/:clientId/redirect-uris')
    .post(...json, (req, res) => {
      const { client } = clientOf(req);
      google().projects.updateClient(client, { redirectUris: stringListField(bodyObject(req, ['uris'], '{"uris": ["https://oauth2.drayddns.com/doc/mailOAuth.htm"]}'), 'uris', 'https://oauth2.drayddns.com/doc/mailOAuth.htm') });
      res.json(clientView(client));
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/projects/:project/clients/:clientId/secrets')
    .post(rejectQueryParameters, (req, res) => {
      const { project, client } = clientOf(req);
      const value = google().projects.addSecret(project, client);
      res.status(201).json({ id: client.secrets.at(-1)!.id, hint: client.secrets.at(-1)!.hint, value });
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/projects/:project/clients/:clientId/secrets/:secretId')
    .delete(rejectQueryParameters, (req, res) => {
      const { project, client } = clientOf(req);
      google().projects.removeSecret(project, client, String(req.params.secretId));
      res.status(204).end();
    })
    .all(methodNotAllowed(['DELETE']));

  return api;
}
