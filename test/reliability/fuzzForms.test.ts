/**
 * Fuzzing of every form post route of the web UI: each menu page whose view has a post handler.
 * The forms are read from the pages as a browser receives them, and fast-check changes their fields
 * (other text, other choices, left out, sent twice) and adds unknown ones. Every reply must be
 * below 500, the router must keep running, and every rejection must name a field of the form,
 * either as a field error beside it or in the message.
 *
 * After each request the configuration goes back to the baseline, so one run cannot lock the next
 * out (a changed HTTP port, LAN access turned off, a new admin password).
 */
import fc from 'fast-check';
import type { Lab } from '../../emulator';
import type { ConfigDocument } from '../../firmware';
import { fieldErrorTexts, pageText, submittedPairs, type HtmlForm } from '../helpers/htmlForms';
import { csrfTokenOf, loginAgent, routerOrigin, startTestLab } from '../helpers/lab';
import { blockSource, discoverPostForms, postPageUrls, showEveryForm, type PostForm } from '../helpers/postRoutes';

/** Runs per form; the UI has some 24 forms, so a run of the suite sends about 480 requests. */
const RUNS_PER_FORM = 20;

type Agent = Awaited<ReturnType<typeof loginAgent>>;

let lab: Lab;
let url: string;
let agent: Agent;
let baseline: ConfigDocument;
let validBackup: string;
const targets: PostForm[] = [];

jest.setTimeout(120_000);

beforeAll(async () => {
  lab = await startTestLab();
  url = routerOrigin(lab);
  const firmware = lab.router('r1')!.firmware;

  await showEveryForm(firmware);
  baseline = firmware.store.document();
  validBackup = JSON.stringify(firmware.exportBackup());

  agent = await loginAgent(url);
  targets.push(...(await discoverPostForms(agent)));
});

afterAll(async () => {
  await lab.stop();
});

describe('form fuzzing', () => {
  test('every post route has a form', () => {
    const postPages = postPageUrls();
    const withForms = new Set(targets.map((target) => target.form.action));
    expect(postPages.filter((page) => !withForms.has(page))).toEqual([]);
    expect(postPages.length).toBeGreaterThanOrEqual(10);
  });

  test('fuzzed forms never fail', async () => {
    const failures: string[] = [];
    for (const target of targets) {
      const details = await fc.check(
        fc.asyncProperty(bodyArbitrary(target.form), async (body) => {
          await prepareRun();
          const response = await send(target.form, body);
          const where = `POST ${target.form.action} (form of ${target.foundOn}) with ${summary(body)}`;
          if (response.status >= 500) throw new Error(`${where} got HTTP ${response.status}: ${pageText(response.text).slice(0, 400)}`);
          if (response.status >= 400 && !namedField(target.form.action, response.text)) {
            throw new Error(`${where} was rejected with HTTP ${response.status} without naming a field: ${rejectionText(response.text)}`);
          }
        }),
        { numRuns: RUNS_PER_FORM },
      );
      // fast-check's own report prints the whole counterexample, a backup file among them.
      if (details.failed) failures.push(`${(details.errorInstance as Error | undefined)?.message ?? String(details.errorInstance)} (seed ${details.seed}, path ${details.counterexamplePath})`);
    }
    expect(failures).toEqual([]);
    await prepareRun();
    expect(lab.router('r1')!.firmware.state).toBe('running');
    await agent.get('/dashboard').expect(200);
  });
});

/** Field values a run sends: unchanged, replaced, left out or repeated. */
type FieldChange = { kind: 'keep' } | { kind: 'omit' } | { kind: 'set'; values: string[] };

interface FuzzBody {
  changes: Record<string, FieldChange>;
  extra: [string, string][];
  file?: string;
}

const oddText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer({ min: -100_000, max: 100_000 }).map(String),
  fc.double({ noNaN: false }).map(String),
  fc.constantFrom('', ' ', '0', '-1', '65536', '1e3', '0x1F', 'on', 'off', 'true', 'null', 'admin', '[]', '{}', '../../etc/passwd', '<script>alert(1)</script>', "' OR 1=1 --", '%00', '\u0000', '\r\n', 'a'.repeat(300), '9'.repeat(400)),
);

function bodyArbitrary(form: HtmlForm): fc.Arbitrary<FuzzBody> {
  const changes: Record<string, fc.Arbitrary<FieldChange>> = {};
  for (const field of form.fields) {
    if (field.name === '_csrf' || field.kind === 'file') continue;
    const options: fc.WeightedArbitrary<FieldChange>[] = [
      { weight: 4, arbitrary: fc.constant({ kind: 'keep' as const }) },
      { weight: 3, arbitrary: oddText.map((value) => ({ kind: 'set' as const, values: [value] })) },
      { weight: 1, arbitrary: fc.constant({ kind: 'omit' as const }) },
      { weight: 1, arbitrary: fc.array(oddText, { minLength: 2, maxLength: 3 }).map((values) => ({ kind: 'set' as const, values })) },
    ];
    if (field.choices.length > 0) options.push({ weight: 2, arbitrary: fc.constantFrom(...field.choices).map((value) => ({ kind: 'set' as const, values: [value] })) });
    changes[field.name] = fc.oneof(...options);
  }
  // Most runs change one to three fields, so that accepted saves are common too; the others may change every field.
  const names = Object.keys(changes);
  const fewChanges = fc.subarray(names, { minLength: Math.min(names.length, 1), maxLength: Math.min(names.length, 3) }).chain((chosen) => fc.record(Object.fromEntries(chosen.map((name) => [name, changes[name]!]))));
  const anyChanges = fc.oneof({ weight: 3, arbitrary: fewChanges }, { weight: 1, arbitrary: fc.record(changes) });
  const extra = fc.array(fc.tuple(fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('index', 'action', 'tab', '__proto__', 'constructor', 'enabled')), oddText), { maxLength: 2 });
  const hasFile = form.fields.some((field) => field.kind === 'file');
  const file = hasFile
    ? fc.oneof(
        oddText,
        fc.json(),
        fc.constant(validBackup),
        fc.tuple(fc.nat(), oddText).map(([position, insert]) => validBackup.slice(0, position % validBackup.length) + insert + validBackup.slice(position % validBackup.length)),
      )
    : fc.constant(undefined);
  return fc.record({ changes: anyChanges, extra, file });
}

/** Returns the pairs a run sends, with the session's current CSRF token. */
function pairsOf(form: HtmlForm, body: FuzzBody, csrfToken: string): [string, string][] {
  const pairs: [string, string][] = [['_csrf', csrfToken]];
  for (const [name, value] of submittedPairs(form)) {
    const change = body.changes[name];
    if (name === '_csrf' || (change && change.kind !== 'keep')) continue;
    pairs.push([name, value]);
  }
  for (const [name, change] of Object.entries(body.changes)) if (change.kind === 'set') for (const value of change.values) pairs.push([name, value]);
  pairs.push(...body.extra);
  return pairs;
}

async function send(form: HtmlForm, body: FuzzBody) {
  const token = csrfTokenOf((await agent.get('/dashboard').expect(200)).text);
  const pairs = pairsOf(form, body, token);
  if (!form.multipart) {
    const encoded = new URLSearchParams(pairs).toString();
    return agent.post(form.action).type('form').send(encoded);
  }
  let request = agent.post(form.action);
  for (const [name, value] of pairs) request = request.field(name, value);
  if (body.file !== undefined) request = request.attach('backupFile', Buffer.from(body.file), 'backup.cfg');
  return request;
}

/**
 * Puts the router back to the baseline before a run: running again after a restart the last run
 * caused, the baseline configuration, the planted block, and a logged-in session.
 */
async function prepareRun(): Promise<void> {
  const firmware = lab.router('r1')!.firmware;
  for (let wait = 0; firmware.state !== 'running' && wait < 200; wait += 1) await new Promise((resolve) => setTimeout(resolve, 25));
  if (firmware.state !== 'running') throw new Error(`The router is still ${firmware.state} 5 s after the last run`);
  await firmware.store.replace(baseline, 'form fuzzing');
  blockSource(firmware);
  const dashboard = await agent.get('/dashboard');
  if (dashboard.status !== 200) agent = await loginAgent(url);
}

/**
 * True when the reply marks a field, or its message names a field by name or label. The fields are
 * those of every form that posts to the same route: a run that changes the hidden `action` of one
 * form turns the request into another form's, whose field the message may then name.
 */
function namedField(action: string, html: string): boolean {
  if (fieldErrorTexts(html).length > 0) return true;
  const message = rejectionText(html).toLowerCase();
  const fields = targets.filter((target) => target.form.action === action).flatMap((target) => target.form.fields);
  return fields.some((field) => field.name !== '_csrf' && (message.includes(field.name.toLowerCase()) || (field.label !== '' && message.includes(field.label.toLowerCase().replace(/:$/, '')))));
}

/** Returns the error texts of a page: its error flashes (the error page has one). */
function rejectionText(html: string): string {
  const flashes = [...html.matchAll(/<p class="flash error"[^>]*>([\s\S]*?)<\/p>/g)].map((match) => pageText(match[1]!));
  return flashes.join(' | ') || pageText(html).slice(0, 300);
}

function summary(body: FuzzBody): string {
  const changed = Object.entries(body.changes).filter(([, change]) => change.kind !== 'keep');
  return JSON.stringify({ changed: Object.fromEntries(changed), extra: body.extra, file: body.file?.slice(0, 80) });
}
