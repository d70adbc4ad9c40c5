/**
 * Fuzzing of every lab API route that GET /api lists. fast-check fills path parameters with values
 * the lab itself returned (router ids, port names, tenants, accounts) or with other text. It sends
 * query strings and bodies built from the fields each route names, the names in the docs and other
 * names, and also any JSON, broken JSON and other content types. Every reply must be below 500, an
 * error must be the API's JSON error, and 400, 404, 413 and 415 must name the field in `error.field`.
 *
 * Exceptions, each documented in docs/lab-api.md or docs/mail.md: 504 GATEWAY_TIMEOUT is the
 * designed reply of the two routes that wait (a reset-button press whose router does not boot in
 * time, a mailbox wait that gets no message), and 409 CONFLICT is about the lab's state, not a field.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { Lab } from '../../emulator';
import { API_ROUTES } from '../../emulator/console/api';
import { startTestLab } from '../helpers/lab';

const RUNS_PER_ROUTE = 12;
/** Routes that may reply 504 GATEWAY_TIMEOUT by design. */
const WAITING_ROUTES = ['POST /api/routers/{id}/reset-button', 'GET /api/mail/mailboxes/{address}/wait'];
/** Status codes whose error must name a field. */
const FIELD_STATUSES = [400, 404, 413, 415];
/** Host time a reply may take: the reset button waits up to 10 s for a boot. */
const REPLY_TIMEOUT_MS = 12_000;

let lab: Lab;
let api: string;
/** Values the lab returned, by JSON key, for path parameters. */
const seen = new Map<string, Set<string>>();
/** Body fields and query parameters each route named when it rejected an unknown one, by route. */
const accepted = new Map<string, string[]>();
/** A path of each route whose parameters name existing lab objects, by route. */
const knownPaths = new Map<string, string>();
let docNames: string[] = [];

jest.setTimeout(150_000);

beforeAll(async () => {
  lab = await startTestLab({ routers: 2 });
  api = lab.consoleUrl.replace(/\/$/, '');
  docNames = namesFromDocs();
  await harvest();
  await learnFields();
});

afterAll(async () => {
  await lab.stop();
});

describe('lab API fuzzing', () => {
  test('route list is not empty', async () => {
    const listed = ((await call('GET', '/api')).body as { routes: string[] }).routes;
    expect(listed).toEqual(API_ROUTES);
    expect(API_ROUTES.length).toBeGreaterThan(20);
  });

  test('fuzzed requests never fail', async () => {
    const failures: string[] = [];
    for (const route of API_ROUTES) {
      const [method, template] = route.split(' ') as [string, string];
      const details = await fc.check(
        fc.asyncProperty(requestArbitrary(method, template), async (input) => {
          const where = `${route} as ${method} ${input.path}${input.query ? `?${input.query}` : ''} with ${input.contentType ?? 'no content type'} body ${input.raw ?? JSON.stringify(input.body)?.slice(0, 200)}`;
          let response: Reply;
          try {
            response = await send(method, input);
          } catch (error) {
            throw new Error(`${where} failed: ${(error as Error).message}`);
          }
          checkReply(route, where, response);
        }),
        { numRuns: RUNS_PER_ROUTE },
      );
      if (details.failed) failures.push(`${(details.errorInstance as Error | undefined)?.message ?? String(details.errorInstance)} (seed ${details.seed}, path ${details.counterexamplePath})`);
    }
    expect(failures).toEqual([]);

    // The lab still replies, and its routers still run.
    const routers = (await call('GET', '/api/routers')).body as { routers: { firmwareState: string }[] };
    for (let wait = 0; wait < 100 && routers.routers.some((router) => router.firmwareState !== 'running'); wait += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lab.routers.map((router) => router.firmware.state)).toEqual(['running', 'running']);
  });
});

interface FuzzRequest {
  path: string;
  query: string;
  body: unknown;
  /** Raw text sent instead of `body`, for broken JSON. */
  raw?: string;
  contentType?: string;
}

const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
  fc.constantFrom('', ' ', '0', '-1', '1e309', 'NaN', 'true', 'null', 'WAN1', 'r1', 'internet', '../..', '%00', '<b>x</b>', 'a'.repeat(300)),
);

function requestArbitrary(method: string, template: string): fc.Arbitrary<FuzzRequest> {
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const parameters = fc.tuple(...names.map((name) => parameterArbitrary(name)));
  const anyPath = parameters.map((values) => names.reduce((result, name, index) => result.replace(`{${name}}`, encodeURIComponent(values[index]!)), template));
  const known = knownPaths.get(`${method} ${template}`);
  const pathArbitrary = known && names.length > 0 ? fc.oneof({ weight: 1, arbitrary: fc.constant(known) }, { weight: 1, arbitrary: anyPath }) : anyPath;

  const own = accepted.get(`${method} ${template}`) ?? [];
  const key = fc.oneof(
    { weight: own.length > 0 ? 6 : 0, arbitrary: own.length > 0 ? fc.constantFrom(...own) : fc.constant('') },
    { weight: 2, arbitrary: fc.constantFrom(...docNames) },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 10 }) },
  );
  const value = fc.oneof(text, fc.jsonValue({ maxDepth: 2 }), fc.boolean(), fc.integer({ min: -5, max: 100_000 }), fc.constantFrom(...docNames));
  const query = fc.oneof(
    { weight: 2, arbitrary: fc.constant('') },
    { weight: 3, arbitrary: fc.array(fc.tuple(key, text), { maxLength: 3 }).map((pairs) => new URLSearchParams(pairs.map(([name, entry]) => [name, name === 'timeoutSeconds' ? shortWait(entry) : entry])).toString()) },
  );
  const body = method === 'GET' || method === 'DELETE'
    ? fc.constant({ body: undefined })
    : fc.oneof(
        { weight: 6, arbitrary: fc.dictionary(key, value, { maxKeys: 4 }).map((entry) => ({ body: entry as unknown, contentType: 'application/json' })) },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }).map((entry) => ({ body: entry as unknown, contentType: 'application/json' })) },
        { weight: 1, arbitrary: fc.constantFrom('{"up": tru', '{', '[1,', '"', '\u0000').map((raw) => ({ body: undefined as unknown, raw, contentType: 'application/json' })) },
        { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1').map((contentType) => ({ body: undefined as unknown, raw: 'up=false', contentType })) },
        { weight: 1, arbitrary: fc.constant({ body: undefined as unknown }) },
      );
  return fc.record({ path: pathArbitrary, query, body }).map(({ path: requestPath, query: queryString, body: payload }) => ({ path: requestPath, query: queryString, ...(payload as Omit<FuzzRequest, 'path' | 'query'>) }));
}

/**
 * Values the lab returned under the parameter's own key first, then under keys that start with it
 * (`userPrincipalName` for `user`), then under `id`, `name` and `email`.
 */
function candidates(name: string): string[] {
  const keys = [name, ...[...seen.keys()].filter((key) => key !== name && key.startsWith(name)), 'id', 'name', 'email'];
  return [...new Set(keys.flatMap((key) => [...(seen.get(key) ?? [])]))].slice(0, 60);
}

/** Returns a path parameter: a value the lab returned (see candidates), or other text. */
function parameterArbitrary(name: string): fc.Arbitrary<string> {
  const known = candidates(name);
  // `.` and `..` would be resolved away by the URL before the lab receives them.
  const other = fc.string({ minLength: 1, maxLength: 24 }).filter((value) => value !== '.' && value !== '..');
  return known.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 2, arbitrary: other }) : other;
}

/** Returns `timeoutSeconds` capped at one second: the mailbox wait blocks that long. Invalid values stay. */
function shortWait(value: string): string {
  return /^\d+$/.test(value) && Number(value) > 1 ? '1' : value;
}

/** A reply of the lab, read whole unless it is an event stream, which never ends. */
interface Reply {
  status: number;
  contentType: string;
  text: string;
  body: unknown;
}

/** Sends one request to the lab and reads the reply, within REPLY_TIMEOUT_MS. */
async function call(method: string, target: string, options: { contentType?: string; body?: string } = {}): Promise<Reply> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no reply within ${REPLY_TIMEOUT_MS} ms`)), REPLY_TIMEOUT_MS);
  try {
    const response = await fetch(`${api}${target}`, {
      method,
      headers: options.contentType ? { 'content-type': options.contentType } : {},
      body: options.body,
      redirect: 'manual',
      signal: controller.signal,
    });
    const contentType = response.headers.get('content-type') ?? '';
    // GET /api/events streams Server-Sent Events for as long as the client stays.
    if (contentType.startsWith('text/event-stream')) {
      controller.abort();
      return { status: response.status, contentType, text: '', body: undefined };
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, contentType, text, body };
  } finally {
    clearTimeout(timer);
  }
}

async function send(method: string, input: FuzzRequest): Promise<Reply> {
  let query = input.query;
  // The mailbox wait blocks for 30 s without timeoutSeconds; runs wait a second at most.
  if (input.path.endsWith('/wait') && !new URLSearchParams(query).has('timeoutSeconds')) query = query ? `${query}&timeoutSeconds=1` : 'timeoutSeconds=1';
  const target = query ? `${input.path}?${query}` : input.path;
  const body = input.raw ?? (input.body === undefined ? undefined : JSON.stringify(input.body));
  return call(method, target, { contentType: input.contentType, body });
}

function checkReply(route: string, where: string, response: Reply): void {
  const status = response.status;
  const error = (response.body as { error?: { code?: string; field?: unknown; message?: string } } | undefined)?.error;
  if (status === 504 && WAITING_ROUTES.includes(route) && error?.code === 'GATEWAY_TIMEOUT') return;
  if (status >= 500) throw new Error(`${where} got HTTP ${status}: ${response.text.slice(0, 300)}`);
  if (status < 400) return;
  if (!error?.code || !error.message) throw new Error(`${where} got HTTP ${status} without the API's JSON error: ${response.text.slice(0, 300)}`);
  // The field may be the empty string only when the body has a field of that name: {"": 1}.
  const emptyNameSent = error.field === '' && error.message.includes('Unknown field ""');
  if (FIELD_STATUSES.includes(status) && (typeof error.field !== 'string' || (error.field === '' && !emptyNameSent))) {
    throw new Error(`${where} got HTTP ${status} ${error.code} without error.field: ${error.message}`);
  }
}

/**
 * Reads values for path parameters from the lab's own replies: the GET routes without parameters
 * first, then two rounds of path search, each of which reads the GET replies it gets.
 */
async function harvest(): Promise<void> {
  for (const route of API_ROUTES.filter((entry) => entry.startsWith('GET ') && !entry.includes('{'))) collect((await call('GET', route.slice(4))).body);
  for (let round = 0; round < 2; round += 1) {
    for (const route of API_ROUTES.filter((entry) => entry.includes('{'))) knownPaths.set(route, await findPath(route));
  }
}

/**
 * Finds a path of a route whose parameters name existing lab objects. A 404 names the unknown parameter in
 * `field`, whose next candidate is tried. The search asks GET where the path has one, so that it
 * deletes nothing, and posts an empty object otherwise.
 */
async function findPath(route: string): Promise<string> {
  const [method, template] = route.split(' ') as [string, string];
  const parameters = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const choice = new Map(parameters.map((name) => [name, 0]));
  const fill = () => template.replace(/\{(\w+)\}/g, (_match, name: string) => encodeURIComponent(candidates(name)[choice.get(name)!] ?? 'x'));
  const byGet = method === 'GET' || API_ROUTES.includes(`GET ${template}`);
  const search = (filled: string) =>
    byGet
      ? call('GET', template.endsWith('/wait') ? `${filled}?timeoutSeconds=0` : filled)
      : call(method, filled, { contentType: 'application/json', body: '{}' });

  for (let step = 0; step < 40; step += 1) {
    const reply = await search(fill());
    if (byGet && reply.status === 200) collect(reply.body);
    const error = (reply.body as { error?: { code?: string; field?: string } } | undefined)?.error;
    const field = error?.field ?? '';
    if (error?.code !== 'NOT_FOUND' || !choice.has(field) || choice.get(field)! + 1 >= candidates(field).length) break;
    choice.set(field, choice.get(field)! + 1);
  }
  return fill();
}

/**
 * Asks each route on its known path with an unknown body field and an unknown query parameter, and
 * keeps the fields and parameters its errors list (`... takes only "up", ...`), so that runs can
 * send real ones.
 */
async function learnFields(): Promise<void> {
  for (const route of API_ROUTES) {
    const [method, template] = route.split(' ') as [string, string];
    const filled = knownPaths.get(route) ?? template;
    const replies = [await call(method, `${filled}?fuzzProbe=1`)];
    if (method === 'POST') replies.push(await call('POST', filled, { contentType: 'application/json', body: '{"fuzzProbe": 1}' }));
    const names = new Set<string>();
    for (const reply of replies) {
      const message = (reply.body as { error?: { message?: string } } | undefined)?.error?.message ?? '';
      const list = /takes only (.*?)(?:, e\.g\.|;|$)/.exec(message)?.[1] ?? '';
      for (const match of list.matchAll(/"([^"]+)"/g)) names.add(match[1]!);
    }
    accepted.set(route, [...names]);
  }
}

function collect(value: unknown, key = ''): void {
  if (Array.isArray(value)) {
    for (const entry of value.slice(0, 20)) collect(entry, key);
  } else if (value && typeof value === 'object') {
    for (const [name, entry] of Object.entries(value)) collect(entry, name);
  } else if (typeof value === 'string' && key !== '' && value.length > 0 && value.length < 200) {
    const values = seen.get(key) ?? new Set<string>();
    if (values.size < 40) values.add(value);
    seen.set(key, values);
  }
}

/** Names in backticks in the docs: body fields and query parameters of every route. */
function namesFromDocs(): string[] {
  const directory = path.join(__dirname, '..', '..', 'docs');
  const names = new Set<string>();
  for (const file of readdirSync(directory).filter((name) => name.endsWith('.md'))) {
    for (const match of readFileSync(path.join(directory, file), 'utf8').matchAll(/`([a-z][A-Za-z0-9]{1,30})`/g)) names.add(match[1]!);
  }
  return [...names];
}
