/**
 * Crash safety of the real `vigor-sim start` process: SIGKILL at random moments while the web UI
 * saves settings and the router sends the alerts those changes raise. After every restart the lab
 * must boot from config.json, not from the last good copy or factory defaults. The router name must
 * be one that was acknowledged or the one being saved. Every alert that had reached the queue on
 * flash must still be there exactly once, with its Message-ID.
 *
 * In the first test the alerts go to the emulated Exchange Online (smtp.office365.com:587) through
 * a mail profile without authentication, so every attempt is a real SMTP dialogue through the
 * router's WAN that ends with Exchange's "530 5.7.57 Client not authenticated", a permanent failure.
 *
 * In the second the alerts go through the emulated Gmail with the seeded account's password and are
 * delivered, and the kills fall while they are being sent. The emulated Gmail runs in the killed
 * process too. It writes each message to its mailbox file before it replies 250, and the mailbox
 * drops a repeat of a Message-ID it holds. So when the queue sends again an alert whose 250 the kill
 * cut off, the mailbox still contains it once: every alert must be in the Internet mailbox exactly once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { formBody, formsTo, type HtmlForm } from '../helpers/htmlForms';
import { copyBuild, startCliLab, type BuildCopy, type CliLab } from '../helpers/cliLab';
import { csrfTokenOf, loginAgent, tempDir } from '../helpers/lab';
import { DONE_KEPT, type QueuedAlert } from '../../firmware/modules/alerts/queue';

/** Acknowledged saves over the whole test. */
const TOTAL_SAVES = 500;
/**
 * Saves a lab runs before its kill is armed, about 14 cycles in all. Counting saves instead of time
 * keeps the number of restarts, and so the test's duration, the same on a busy machine.
 */
const SAVES_BEFORE_KILL = { min: 10, max: 60 };
/** The armed kill comes after a random delay of up to this many ms, so it falls at a random point of the next save or two. */
const KILL_JITTER_MS = 60;
/** Kill cycles of the mailbox test; each saves a few settings and kills the lab while their alerts go out. */
const DELIVERY_CYCLES = 12;
const SAVES_PER_DELIVERY_CYCLE = 5;
/** The kill comes up to this many ms after the last save, while the alerts are being sent. */
const KILL_DURING_SENDS_MS = 400;
const DRAIN_TIMEOUT_MS = 60_000;
const MANAGEMENT = '/system-maintenance/management';
const ALERT_SUBJECT = (routerName: string) => `[${routerName}] Configuration changed`;

type Agent = ReturnType<typeof request.agent>;

interface SeenAlert {
  messageId: string;
  createdAt: number;
  status: QueuedAlert['status'];
}

let build: BuildCopy;

beforeAll(() => {
  build = copyBuild();
});

afterAll(() => {
  build?.remove();
});

jest.setTimeout(170_000);

describe('crash safety', () => {
  test('SIGKILL during saves and alert sends', async () => {
    const data = tempDir();
    const args = ['--data', data.path];
    const routerDir = path.join(data.path, 'routers', 'r1');
    let lab: CliLab | undefined = await startCliLab(build, args);

    /** Every alert ever read from the queue file, by id. */
    const seen = new Map<string, SeenAlert>();
    /** Names whose save was acknowledged (303) since the last restart; each must have its alert queued. */
    let acknowledgedNames: string[] = [];
    let acknowledged = 'DrayTek';
    let saves = 0;
    let cycles = 0;
    let recoveredInFlight = 0;
    let killsDuringSave = 0;

    try {
      await setUpAlertRule(lab.info.routers[0]!.lanUrl, EXCHANGE_UNAUTHENTICATED);

      while (saves < TOTAL_SAVES) {
        cycles += 1;
        const running: CliLab = lab;
        const agent = await loginAgent(running.info.routers[0]!.lanUrl.replace(/\/$/, ''));
        const form = await managementForm(agent);

        let killed = false;
        let inFlight: string | undefined;
        let killer: NodeJS.Timeout | undefined;
        const kill = () => {
          // The queue file is read just before the kill: everything in it must survive.
          recordQueue(routerDir, seen);
          killed = true;
          running.child.kill('SIGKILL');
        };
        const armAt = SAVES_BEFORE_KILL.min + Math.floor(Math.random() * (SAVES_BEFORE_KILL.max - SAVES_BEFORE_KILL.min + 1));

        for (let number = 1; !killed && saves < TOTAL_SAVES; number += 1) {
          if (number === armAt) killer = setTimeout(kill, Math.random() * KILL_JITTER_MS);
          const name = `crash-${cycles}-${number}`;
          inFlight = name;
          let status: number;
          try {
            status = (await agent.post(MANAGEMENT).type('form').send(formBody(form, { routerName: name }))).status;
          } catch (error) {
            if (killed) break;
            throw error;
          }
          expect(status).toBe(303);
          acknowledged = name;
          acknowledgedNames.push(name);
          inFlight = undefined;
          saves += 1;
        }
        clearTimeout(killer);
        if (!killed) kill();
        expect(await running.exit).toBe('SIGKILL');
        if (inFlight) killsDuringSave += 1;
        lab = undefined;

        lab = await startCliLab(build, args);
        const api = lab.info.api;

        // The lab booted from config.json itself.
        const system = await syslog(api, 'System');
        expect(system.at(-1)).toMatch(/started \(configuration from flash\)$/);
        expect(await syslog(api, 'Config')).toEqual([]);
        expect(readdirSync(routerDir).filter((file) => file.includes('rejected'))).toEqual([]);
        expect(() => JSON.parse(readFileSync(path.join(routerDir, 'config.json'), 'utf8'))).not.toThrow();

        // The name is the last acknowledged one or the one whose save the kill interrupted.
        const routerName = ((await (await fetch(`${api}/routers/r1`)).json()) as { routerName: string }).routerName;
        expect([acknowledged, inFlight]).toContain(routerName);
        acknowledged = routerName;

        // No queued alert is lost, duplicated or renamed.
        recoveredInFlight += (await syslog(api, 'Mail')).filter((message) => message.includes('were being sent when the router stopped')).length;
        const queue = readQueue(routerDir);
        checkQueue(queue, seen, acknowledgedNames);
        acknowledgedNames = [];
        recordQueue(routerDir, seen);
      }

      // Every alert got at least one real SMTP attempt, so kills also fell during sends.
      const finalQueue = readQueue(routerDir);
      expect(finalQueue.filter((alert) => alert.attempts > 0).length).toBeGreaterThan(0);
      expect(finalQueue.some((alert) => /530/.test(alert.lastError ?? ''))).toBe(true);
      console.log(`crash safety: ${saves} saves in ${cycles} kill cycles; ${killsDuringSave} kills interrupted a save, ${recoveredInFlight} interrupted an alert send; ${seen.size} alerts queued`);
    } finally {
      lab?.child.kill('SIGKILL');
      await lab?.exit;
      data.remove();
    }
  });

  test('SIGKILL during alert sends: each alert reaches the mailbox once', async () => {
    const data = tempDir();
    const args = ['--data', data.path];
    const routerDir = path.join(data.path, 'routers', 'r1');
    let lab: CliLab | undefined = await startCliLab(build, args);
    const seen = new Map<string, SeenAlert>();
    let sendKills = 0;

    try {
      await setUpAlertRule(lab.info.routers[0]!.lanUrl, GMAIL_PROFILE);

      for (let cycle = 1; cycle <= DELIVERY_CYCLES; cycle += 1) {
        const running: CliLab = lab;
        const agent = await loginAgent(running.info.routers[0]!.lanUrl.replace(/\/$/, ''));
        const form = await managementForm(agent);
        for (let number = 1; number <= SAVES_PER_DELIVERY_CYCLE; number += 1) {
          const response = await agent.post(MANAGEMENT).type('form').send(formBody(form, { routerName: `mail-${cycle}-${number}` }));
          expect(response.status).toBe(303);
        }
        // The saves are acknowledged, so their alerts are on flash; the kill falls while some are
        // being sent. Every other cycle kills right after the router has recorded a 250, the
        // moment at which a server that replied before writing would lose the message.
        if (cycle % 2 === 0) await untilAnotherSent(routerDir);
        else await new Promise((resolve) => setTimeout(resolve, Math.random() * KILL_DURING_SENDS_MS));
        recordQueue(routerDir, seen);
        if (readQueue(routerDir).some((alert) => alert.status === 'pending')) sendKills += 1;
        running.child.kill('SIGKILL');
        expect(await running.exit).toBe('SIGKILL');
        lab = undefined;
        lab = await startCliLab(build, args);
      }

      // Let the last lab send everything, then stop it so every mailbox write is done.
      const deadline = Date.now() + DRAIN_TIMEOUT_MS;
      while (readQueue(routerDir).some((alert) => alert.status === 'pending') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      recordQueue(routerDir, seen);
      lab.child.kill('SIGTERM');
      await lab.exit;
      lab = undefined;

      const queue = readQueue(routerDir);
      expect(queue.filter((alert) => alert.status !== 'sent').map((alert) => `${alert.subject}: ${alert.status} ${alert.lastError ?? ''}`)).toEqual([]);
      const delivered = new Map<string, number>();
      for (const message of readMailbox(data.path, 'internet.json')) {
        if (message.folder === 'inbox' && message.messageId) delivered.set(message.messageId, (delivered.get(message.messageId) ?? 0) + 1);
      }
      const notDeliveredOnce = [...seen.values()].map((alert) => alert.messageId).filter((messageId) => delivered.get(messageId) !== 1);
      expect(notDeliveredOnce).toEqual([]);
      expect(seen.size).toBeGreaterThanOrEqual(DELIVERY_CYCLES * SAVES_PER_DELIVERY_CYCLE);
      console.log(`crash safety: ${seen.size} alerts delivered once each across ${DELIVERY_CYCLES} kills, ${sendKills} of them with alerts still queued`);
    } finally {
      lab?.child.kill('SIGKILL');
      await lab?.exit;
      data.remove();
    }
  });
});

/** A profile without authentication to Exchange, which rejects every message with 530: a permanent failure after a real SMTP dialogue. */
const EXCHANGE_UNAUTHENTICATED = { name: 'alerts', auth: 'none', smtpServer: 'smtp.office365.com', smtpPort: '587', security: 'starttls', sender: 'router@contoso.example' };
/** The seeded Gmail account with its password (Gmail takes AUTH LOGIN), so every alert is delivered. */
const GMAIL_PROFILE = { name: 'alerts', auth: 'password', smtpServer: 'smtp.gmail.com', smtpPort: '587', security: 'starttls', sender: 'lab.alerts@gmail.com', username: 'lab.alerts@gmail.com', password: 'Alerts-Lab-2026!' };

/** Sets up, through the web UI, a mail profile and a rule that mails every configuration change to an address outside the lab. */
async function setUpAlertRule(lanUrl: string, profile: Record<string, string>): Promise<void> {
  const agent = await loginAgent(lanUrl.replace(/\/$/, ''));

  const profilePage = '/objects-setting/sms-mail-service-object?index=1';
  await submit(agent, profilePage, 0, profile);
  await submit(agent, '/objects-setting/notification-object?index=1', 0, { name: 'changes', events: ['config.changed'] });
  await submit(agent, '/applications/sms-mail-alert', 0, { enabled_1: 'on', mailProfile_1: '1', recipients_1: 'noc@example.net', notificationObject_1: '1' });
}

async function submit(agent: Agent, pagePath: string, formIndex: number, changes: Record<string, string | string[]>): Promise<void> {
  const page = await agent.get(pagePath).expect(200);
  const form = formsTo(page.text, pagePath.split('?')[0]!)[formIndex]!;
  const response = await agent.post(form.action).type('form').send(formBody(form, changes));
  if (response.status !== 303) throw new Error(`Saving ${pagePath} failed with HTTP ${response.status}: ${response.text.slice(0, 500)}`);
}

async function managementForm(agent: Agent): Promise<HtmlForm> {
  const page = await agent.get(MANAGEMENT).expect(200);
  const form = formsTo(page.text, MANAGEMENT)[0]!;
  expect(form.fields.find((field) => field.name === '_csrf')?.values).toEqual([csrfTokenOf(page.text)]);
  return form;
}

async function syslog(api: string, category: string): Promise<string[]> {
  const response = await fetch(`${api}/routers/r1/syslog?category=${category}`);
  const body = (await response.json()) as { entries: { message: string; severity: string }[] };
  return body.entries.filter((entry) => category !== 'Config' || entry.severity === 'error' || entry.severity === 'warning').map((entry) => entry.message);
}

/** Resolves as soon as the queue file shows one more sent alert than when it was called. */
async function untilAnotherSent(routerDir: string): Promise<void> {
  const sentCount = () => readQueue(routerDir).filter((alert) => alert.status === 'sent').length;
  const before = sentCount();
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (sentCount() === before && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
}

function readMailbox(dataDir: string, file: string): { folder: string; messageId: string | null }[] {
  return (JSON.parse(readFileSync(path.join(dataDir, 'lab', 'mail', file), 'utf8')) as { messages: { folder: string; messageId: string | null }[] }).messages;
}

function readQueue(routerDir: string): QueuedAlert[] {
  let text: string;
  try {
    text = readFileSync(path.join(routerDir, 'alert-queue.json'), 'utf8');
  } catch {
    return [];
  }
  return (JSON.parse(text) as { alerts: QueuedAlert[] }).alerts;
}

function recordQueue(routerDir: string, seen: Map<string, SeenAlert>): void {
  for (const alert of readQueue(routerDir)) seen.set(alert.id, { messageId: alert.messageId, createdAt: alert.createdAt, status: alert.status });
}

/**
 * Checks the queue after a restart. Ids and Message-IDs are unique, and every alert seen before is
 * still there with its Message-ID unless the queue dropped it as one of its oldest finished alerts.
 * Every save acknowledged since the last check has its alert. Fewer than DONE_KEPT alerts were
 * raised since then, so none of those can have been dropped yet.
 */
function checkQueue(queue: QueuedAlert[], seen: Map<string, SeenAlert>, acknowledgedNames: string[]): void {
  const ids = queue.map((alert) => alert.id);
  expect(new Set(ids).size).toBe(ids.length);
  const messageIds = queue.map((alert) => alert.messageId);
  expect(new Set(messageIds).size).toBe(messageIds.length);

  const byId = new Map(queue.map((alert) => [alert.id, alert]));
  const done = queue.filter((alert) => alert.status !== 'pending');
  const oldestDone = Math.min(...done.map((alert) => alert.createdAt));
  const lost: string[] = [];
  for (const [id, before] of seen) {
    const now = byId.get(id);
    if (now) {
      expect(now.messageId).toBe(before.messageId);
      continue;
    }
    // The queue keeps the newest DONE_KEPT sent or failed alerts and drops older ones.
    const trimmed = done.length === DONE_KEPT && before.createdAt <= oldestDone;
    if (!trimmed) lost.push(`${id} (${before.status})`);
  }
  expect(lost).toEqual([]);

  const subjects = new Map<string, number>();
  for (const alert of queue) subjects.set(alert.subject, (subjects.get(alert.subject) ?? 0) + 1);
  const withoutAlert: string[] = [];
  for (const name of acknowledgedNames) {
    const count = subjects.get(ALERT_SUBJECT(name)) ?? 0;
    expect(count).toBeLessThanOrEqual(1);
    if (count === 0) withoutAlert.push(name);
  }
  expect(withoutAlert).toEqual([]);
}
