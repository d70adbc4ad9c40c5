/**
 * Lab API routes of the emulated DDNS providers: providers, accounts, hostnames, update history and
 * faults. docs/ddns.md describes the providers and docs/lab-api.md the conventions.
 */
import express, { type RequestHandler, type Router } from 'express';
import type { Lab } from '../lab';
import type { DdnsServices } from '../services/ddns';
import { ProviderInputError } from '../services/ddns/input';
import type { DdnsProvider } from '../services/ddns/provider';
import { HISTORY_CAPACITY, type Faults } from '../services/ddns/store';
import { ApiError, invalidField, methodNotAllowed } from './errors';
import { bodyObject, describeValue, optionalWholeNumber, parseJsonBody, queryStrings, rejectQueryParameters, requireBoolean, requireJsonContentType, requireNumberInRange } from './validate';

const FAULT_FLAGS = ['maintenance', 'dnsError', 'abuseLock', 'passwordChanged'] as const;
const FAULT_FIELDS = [...FAULT_FLAGS, 'replyDelaySeconds'];
/** Maximum slow-reply fault: one hour of lab time. */
export const MAX_REPLY_DELAY_SECONDS = 3600;

const json: RequestHandler[] = [rejectQueryParameters, requireJsonContentType, parseJsonBody];

export function createDdnsApi(lab: Lab): Router {
  const api = express.Router();
  const ddns = (): DdnsServices => {
    if (!lab.services?.ddns) throw new ApiError(409, 'CONFLICT', 'The DDNS providers have not started yet; try again once the lab is ready.');
    return lab.services.ddns;
  };
  const provider = (id: string): DdnsProvider => findProvider(ddns(), id);

  api
    .route('/ddns')
    .get(rejectQueryParameters, (_req, res) => {
      res.json({ providers: ddns().providers.map((entry) => providerSummary(lab, entry)) });
    })
    .all(methodNotAllowed(['GET']));

  api
    .route('/ddns/:provider')
    .get(rejectQueryParameters, (req, res) => {
      const found = provider(req.params.provider);
      res.json({ ...providerSummary(lab, found), accounts: found.accounts(), hostnames: found.hostnames() });
    })
    .all(methodNotAllowed(['GET']));

  api
    .route('/ddns/:provider/faults')
    .get(rejectQueryParameters, (req, res) => {
      res.json(provider(req.params.provider).faults);
    })
    .post(...json, async (req, res) => {
      const found = provider(req.params.provider);
      res.json(await found.setFaults(faultChanges(bodyObject(req, FAULT_FIELDS, '{"maintenance": true}'))));
    })
    .all(methodNotAllowed(['GET', 'POST']));

  api
    .route('/ddns/:provider/accounts')
    .get(rejectQueryParameters, (req, res) => {
      res.json({ accounts: provider(req.params.provider).accounts() });
    })
    .post(...json, async (req, res) => {
      const found = provider(req.params.provider);
      const body = bodyObject(req, ['username', 'password', 'credited'], '{"username": "alice", "password": "alice-pass"}');
      const input = { username: requireString(body, 'username'), password: requireString(body, 'password'), credited: 'credited' in body ? requireBoolean(body, 'credited') : undefined };
      res.status(201).json(await providerCall(() => found.createAccount(input)));
    })
    .all(methodNotAllowed(['GET', 'POST']));

  api
    .route('/ddns/:provider/accounts/:username')
    .get(rejectQueryParameters, (req, res) => {
      const found = provider(req.params.provider);
      const account = found.findAccount(req.params.username);
      if (!account) throw new ApiError(404, 'NOT_FOUND', `${found.definition.name} has no account "${req.params.username}".`, 'username');
      res.json(found.accountView(account));
    })
    .post(...json, async (req, res) => {
      const found = provider(req.params.provider);
      const body = bodyObject(req, ['password', 'credited'], '{"password": "new-pass"}');
      const changes = { password: 'password' in body ? requireString(body, 'password') : undefined, credited: 'credited' in body ? requireBoolean(body, 'credited') : undefined };
      if (changes.password === undefined && changes.credited === undefined) throw invalidField('body', 'The body must set "password", "credited" or both.');
      res.json(await providerCall(() => found.updateAccount(req.params.username, changes)));
    })
    .all(methodNotAllowed(['GET', 'POST']));

  api
    .route('/ddns/:provider/accounts/:username/faults')
    .post(...json, async (req, res) => {
      const found = provider(req.params.provider);
      const changes = faultChanges(bodyObject(req, FAULT_FIELDS, '{"passwordChanged": true}'));
      res.json(await providerCall(() => found.setAccountFaults(req.params.username, changes)));
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/ddns/:provider/hostnames')
    .get(rejectQueryParameters, (req, res) => {
      res.json({ hostnames: provider(req.params.provider).hostnames() });
    })
    .post(...json, async (req, res) => {
      const found = provider(req.params.provider);
      const body = bodyObject(req, ['hostname', 'account', 'address'], '{"hostname": "shop.drayddns.com", "account": "r1-trainee"}');
      const address = body.address === undefined || body.address === null ? null : requireString(body, 'address');
      const input = { hostname: requireString(body, 'hostname'), account: requireString(body, 'account'), address };
      res.status(201).json(await providerCall(() => found.createHostname(input)));
    })
    .all(methodNotAllowed(['GET', 'POST']));

  api
    .route('/ddns/:provider/hostnames/:hostname/block')
    .post(...json, async (req, res) => {
      const found = provider(req.params.provider);
      const blocked = requireBoolean(bodyObject(req, ['blocked'], '{"blocked": false}'), 'blocked');
      res.json(await providerCall(() => found.setBlocked(req.params.hostname, blocked)));
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/ddns/:provider/history')
    .get((req, res) => {
      const found = provider(req.params.provider);
      const query = queryStrings(req, ['after', 'limit', 'hostname', 'account']);
      const entries = found.history({
        after: optionalWholeNumber(query.after, 'after', 0, Number.MAX_SAFE_INTEGER),
        limit: optionalWholeNumber(query.limit, 'limit', 1, HISTORY_CAPACITY),
        hostname: query.hostname,
        account: query.account,
      });
      res.json({ provider: found.id, entries });
    })
    .all(methodNotAllowed(['GET']));

  return api;
}

/** Provider facts for the API and the console: endpoints, the lab's port forwards to them, faults. */
export function providerSummary(lab: Lab, provider: DdnsProvider) {
  const { definition } = provider;
  const host = definition.updateHost;
  return {
    id: definition.id,
    name: definition.name,
    updateUrls: [`http://${host}/nic/update`, `https://${host}/nic/update`],
    certificateUrl: definition.issuesCertificates ? `https://${host}/api/v1/certificate` : null,
    domains: definition.domains,
    abuse: { nochgLimit: definition.abuse.nochgLimit, windowSeconds: definition.abuse.windowMs / 1000 },
    forwards: lab.ready().forwards.filter((forward) => forward.host === host),
    faults: provider.faults,
    accountCount: provider.accounts().length,
    hostnameCount: provider.hostnames().length,
  };
}

function findProvider(ddns: DdnsServices, id: string): DdnsProvider {
  const found = ddns.provider(id);
  if (found) return found;
  const ids = ddns.providers.map((entry) => entry.id);
  throw new ApiError(404, 'NOT_FOUND', `No DDNS provider has the id "${id}"; valid ids are ${ids.join(', ')}.`, 'provider', ids);
}

function faultChanges(body: Record<string, unknown>): Partial<Faults> {
  const changes: Partial<Faults> = {};
  for (const flag of FAULT_FLAGS) if (flag in body) changes[flag] = requireBoolean(body, flag);
  if ('replyDelaySeconds' in body) changes.replyDelaySeconds = requireNumberInRange(body, 'replyDelaySeconds', 0, MAX_REPLY_DELAY_SECONDS, 'seconds');
  if (Object.keys(changes).length === 0) throw invalidField('body', `The body must set at least one of ${FAULT_FIELDS.join(', ')}.`);
  return changes;
}

function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw invalidField(field, `"${field}" must be a non-empty string; got ${describeValue(value)}.`);
  return value;
}

/** Runs a provider change and turns its ProviderInputError into the matching API error. */
async function providerCall<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (!(error instanceof ProviderInputError)) throw error;
    if (error.status === 404) throw new ApiError(404, 'NOT_FOUND', error.message, error.field);
    if (error.status === 409) throw new ApiError(409, 'CONFLICT', error.message, error.field);
    throw new ApiError(400, 'INVALID_REQUEST', error.message, error.field);
  }
}
