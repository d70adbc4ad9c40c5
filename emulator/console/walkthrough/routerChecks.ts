/**
 * Walkthrough checks on the router's side and in the lab around it: DDNS at the provider and in
 * the lab DNS, the management settings, the profile's tokens, the mailboxes and the alert queue.
 */
import { effectivePorts, fullHostname, type AlertsConfig, type DdnsConfig, type ManagementConfig } from '../../../firmware';
import type { StoredMessage } from '../../services/mail/store/message';
import type { MailService } from '../../services/mail';
import { ddnsCause, oauthCauseFromText, smtpCause } from './causes';
import { done, failed, formatTime, newestEntry, todo, type Check, type FlowContext } from './context';

export function ddnsCheck({ lab, router }: FlowContext): Check {
  const config = router.firmware.store.get<DdnsConfig>('ddns');
  const index = config.enabled ? config.accounts.findIndex((account) => account.enabled && account.provider === 'drayddns' && account.domain !== '') : -1;
  if (index < 0) return todo(`Enable Dynamic DNS Setup and a DrayDDNS account for ${router.id}.drayddns.com in Applications >> Dynamic DNS Setup.`);

  const hostname = fullHostname(config.accounts[index]!);
  const state = router.firmware.ddns.states()[index]!;
  const wans = router.hardware.ports.list().filter((port) => port.kind === 'wan' && port.address);
  const publicAddresses = wans.map((port) => lab.isp.publicAddress(port.address!.ip));
  const registered = lab.services.ddns?.provider('drayddns')?.findHostname(hostname)?.address ?? null;
  // The DNS record list, not a lookup, because a lookup would record a timeline event at every evaluation.
  const resolved = lab.dns.list().find((record) => record.name === hostname)?.address ?? null;

  if (lab.dns.isFailing()) return failed(`${hostname} does not resolve.`, 'The lab DNS fails every lookup with SERVFAIL (a DNS outage), so the router cannot resolve the DDNS provider and its updates fail until the outage ends.');
  // An account that retries or stopped fails the step even while the name still resolves, because
  // the name keeps its old address only until the WAN address changes.
  if (state.status === 'stopped' || state.status === 'retrying') return failed(`${hostname}: ${state.message}`, ddnsCause(state));
  if (registered && publicAddresses.includes(registered) && resolved === registered) return done(`${hostname} resolves to ${registered}, the router's WAN address`);
  if (wans.length === 0) return failed('The router has no WAN address.', 'The WAN is down: check the WAN1 cable and the ISP line.');
  if (wans.some((port) => lab.isp.publicAddress(port.address!.ip) !== port.address!.ip)) {
    return failed(`The WAN address ${wans[0]!.address!.ip} is behind carrier-grade NAT.`, 'The Internet cannot connect in behind carrier-grade NAT, so the relay cannot reach the router: ask the ISP for a public address.');
  }
  const stale = registered ? ` DrayDDNS has ${registered}, the WAN has ${publicAddresses.join(', ')}.` : '';
  return todo(`${hostname}: ${state.message}.${stale}`);
}

function wanHttpsOpen(router: FlowContext['router']): { open: boolean; port: number } {
  const config = router.firmware.store.get<ManagementConfig>('management');
  return { open: config.internet.allow && config.internet.services.https, port: effectivePorts(config).https };
}

export function wanHttpsCheck({ router, tokens }: FlowContext): Check {
  const { open, port } = wanHttpsOpen(router);
  if (open && port === 443) return done('Management from the Internet allows HTTPS on port 443');
  if (open) return failed(`HTTPS management uses port ${port}.`, 'The DrayDDNS relay sends the browser to port 443: set the HTTPS port back to 443 in System Maintenance >> Management.');
  if (tokens) return done('It was open for Authorize, which reached the router; it is closed again');
  return todo('Allow management from the Internet with HTTPS Server in System Maintenance >> Management.');
}

export function authorizedCheck({ router, profile, profileIndex, tokens, provider }: FlowContext): Check {
  if (!profile || profileIndex === undefined) return todo(`Save a mail profile with Authentication OAuth 2.0 and OAuth Provider ${provider === 'google' ? 'Google' : 'Microsoft'} in Objects Setting >> SMS/Mail Service Object.`);
  if (tokens?.reauthorizationRequired) return failed(`Profile ${profileIndex + 1} needs re-authorization: ${tokens.reauthorizationRequired}`, oauthCauseFromText(tokens.reauthorizationRequired));
  if (tokens) return done(`Profile ${profileIndex + 1} (${profile.name}) authorized as ${tokens.account} at ${formatTime(tokens.authorizedAt)}`);

  const label = `mail profile ${profileIndex + 1} (`;
  const failure = newestEntry(router, 'Mail', (message) => (message.startsWith(`Authorization of ${label}`) || message.startsWith(`Redeeming the authorization code of ${label}`)) && message.includes(' failed: '));
  if (failure) {
    const error = failure.message.slice(failure.message.indexOf(' failed: ') + ' failed: '.length);
    return failed(`The last authorization failed: ${error}`, oauthCauseFromText(error) ?? 'Authorize the profile again.');
  }
  return todo(`Press Authorize on profile ${profileIndex + 1} and sign in as the sender ${profile.sender || '(not set)'}.`);
}

/** Inbox messages of every mailbox that match, oldest first. */
function deliveredMessages(context: FlowContext, test: (message: StoredMessage) => boolean): StoredMessage[] {
  const store = (context.lab.services.mail as MailService | undefined)?.store;
  if (!store) return [];
  return store.mailboxes().flatMap((summary) => store.mailbox(summary.address)?.messages.filter((message) => message.folder === 'inbox' && test(message)) ?? []);
}

export function testMailCheck(context: FlowContext): Check {
  const { router, profile, profileIndex } = context;
  if (!profile || profileIndex === undefined) return todo('Comes after the mail profile.');
  const sender = profile.sender.toLowerCase();
  const delivered = deliveredMessages(context, (message) => message.envelope.mailFrom.toLowerCase() === sender && message.subject.startsWith('Test e-mail from '));
  const newest = delivered[delivered.length - 1];

  const failure = newestEntry(router, 'Mail', (message) => message.startsWith(`Test e-mail of profile ${profileIndex + 1} by `) && message.includes(' failed: '));
  const sent = newestEntry(router, 'Mail', (message) => message.startsWith('Mail "Test e-mail from ') && message.includes(` sent with profile ${profileIndex + 1} `));
  if (failure && (!sent || failure.seq > sent.seq)) {
    const error = failure.message.slice(failure.message.indexOf(' failed: ') + ' failed: '.length);
    const detail = `The last test e-mail failed at ${formatTime(failure.time)}: ${error}`;
    return failed(newest ? `${detail} An earlier one was received.` : detail, smtpCause(error));
  }
  if (newest) return done(`Received by ${newest.mailbox} at ${formatTime(newest.receivedAt)}`);
  return todo(`Send a Test E-mail from profile ${profileIndex + 1}.`);
}

export function alertRuleCheck({ router, profileIndex }: FlowContext): Check {
  if (profileIndex === undefined) return todo('Comes after the mail profile.');
  const config = router.firmware.store.get<AlertsConfig>('alerts');
  const rules = config.rules.map((rule, index) => ({ rule, number: index + 1 })).filter(({ rule }) => rule.enabled && rule.mailProfile === profileIndex + 1);
  const complete = rules.find(({ rule }) => rule.recipients.length > 0 && rule.notificationObject > 0 && (config.notificationObjects[rule.notificationObject - 1]?.events.length ?? 0) > 0);
  if (complete) {
    const object = config.notificationObjects[complete.rule.notificationObject - 1]!;
    return done(`Rule ${complete.number} sends "${object.name}" (${object.events.length} event(s)) to ${complete.rule.recipients.join(', ')}`);
  }
  if (rules.length > 0) return todo(`Rule ${rules[0]!.number} uses profile ${profileIndex + 1}; give it recipients and a notification object with events.`);
  return todo(`Tick events in Objects Setting >> Notification Object, then enable a rule with mail profile ${profileIndex + 1} in Applications >> SMS/Mail Alert Service.`);
}

export function wanHttpsOffCheck({ router, tokens }: FlowContext): Check {
  const { open } = wanHttpsOpen(router);
  if (!tokens) return todo('Comes after the authorization: the relay needs HTTPS from the Internet until then.');
  if (open) return todo('Untick Allow management from the Internet (or HTTPS Server) in System Maintenance >> Management.');
  return done('Closed; the router refreshes its token with outgoing connections only');
}

/**
 * Lab time since which WAN HTTPS has been closed: the newest syslog entry that closed it, else the
 * end of the boot (the setting was closed when the router booted).
 * NOTE: the syslog keeps 2000 entries, so a very busy router may have dropped that entry and the
 * boot time is used instead.
 */
function closedSince({ router, now }: FlowContext): number {
  const closed = newestEntry(router, 'Management', (message) => message === 'Management from the Internet disabled' || message === 'HTTPS Server from the Internet disabled');
  return closed?.time ?? now - router.firmware.uptimeMs();
}

export function alertAfterCloseCheck(context: FlowContext, wanHttpsOff: Check): Check {
  const { router, profileIndex } = context;
  if (profileIndex === undefined || wanHttpsOff.status !== 'done') return todo('Comes after closing HTTPS from the Internet.');
  const since = closedSince(context);
  const alerts = router.firmware.alerts.queue.list().filter((alert) => alert.profileIndex === profileIndex && alert.createdAt >= since);
  const sentIds = new Set(alerts.filter((alert) => alert.status === 'sent').map((alert) => alert.messageId));
  const delivered = deliveredMessages(context, (message) => message.receivedAt >= since && message.messageId !== null && sentIds.has(message.messageId));
  if (delivered.length > 0) {
    const newest = delivered[delivered.length - 1]!;
    return done(`"${newest.subject}" received by ${newest.mailbox} at ${formatTime(newest.receivedAt)}`);
  }
  const troubled = [...alerts].reverse().find((alert) => alert.lastError);
  if (troubled) return failed(`"${troubled.subject}" is ${troubled.status}: ${troubled.lastError}`, smtpCause(troubled.lastError!));
  if (alerts.some((alert) => alert.status === 'pending')) return todo('An alert is waiting in the queue (Applications >> SMS/Mail Alert Service >> Queue).');
  return todo(`Raise an alert, e.g. pull the WAN1 cable and plug it back in (closed since ${formatTime(since)}).`);
}
