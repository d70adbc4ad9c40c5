/**
 * The newest OAuth authorization picked from timeline events: its router from the state, the
 * events of other routers and authorizations left out, and the end at the first SMTP session
 * after the token.
 */
import { newestAuthorization, renderSequenceDiagram } from '../../emulator/console/sequenceDiagram';
import type { TimelineEvent } from '../../emulator/timeline';

const LOGIN = 'login.microsoftonline.com';

/** Builds a state as the firmware does: the router's DDNS name in base64url, a dot and a random part. */
function stateFor(hostname: string): string {
  return `${Buffer.from(hostname).toString('base64url')}.random`;
}

function oauth(seq: number, step: string, router: string | undefined, url: string): TimelineEvent {
  return { seq, time: seq * 1000, protocol: 'oauth', router, to: LOGIN, summary: `${step}: GET ${url}`, detail: { step, request: { method: 'GET', url }, reply: { status: step === 'token' ? 200 : 302 } } };
}

function smtp(seq: number, router: string, summary: string): TimelineEvent {
  return { seq, time: seq * 1000, protocol: 'smtp', router, summary: `SMTP session to smtp.office365.com:587: ${summary}` };
}

const authorizeUrl = (hostname: string) => `https://${LOGIN}/common/oauth2/v2.0/authorize?client_id=x&state=${stateFor(hostname)}`;
const callbackUrl = (hostname: string) => `https://oauth2.drayddns.com/doc/mailOAuth.htm?code=****&state=${stateFor(hostname)}`;
const routerOf = (hostname: string) => hostname.split('.')[0];

/** Events in which r1 authorizes and sends a mail, r2 starts an authorization in between, and r1 sends a later, failing mail. */
const EVENTS: TimelineEvent[] = [
  oauth(1, 'authorize', undefined, authorizeUrl('r1.drayddns.com')),
  oauth(2, 'sign-in', undefined, `https://${LOGIN}/common/login`),
  oauth(3, 'authorize', undefined, authorizeUrl('r2.drayddns.com')),
  oauth(4, 'callback', undefined, callbackUrl('r1.drayddns.com')),
  oauth(5, 'token', 'r1', `https://${LOGIN}/common/oauth2/v2.0/token`),
  smtp(6, 'r2', 'AUTH XOAUTH2 failed'),
  smtp(7, 'r1', 'AUTH XOAUTH2 as alerts@contosolab.onmicrosoft.com succeeded, 1 message accepted'),
  smtp(8, 'r1', '535 5.7.139 Authentication unsuccessful'),
];

describe('newest authorization', () => {
  test('router filter picks its authorization', () => {
    const authorization = newestAuthorization(EVENTS, routerOf, 'r1');
    expect(authorization.router).toBe('r1');
    expect(authorization.hostname).toBe('r1.drayddns.com');
    expect(authorization.arrows.map((arrow) => arrow.seq)).toEqual([1, 2, 4, 5, 7]);
  });

  test('ends at first SMTP session', () => {
    const labels = newestAuthorization(EVENTS, routerOf, 'r1').arrows.map((arrow) => arrow.label);
    expect(labels.at(-1)).toContain('1 message accepted');
    expect(labels.join('\n')).not.toContain('5.7.139');
  });

  test('without filter picks the newest router', () => {
    const authorization = newestAuthorization(EVENTS, routerOf);
    expect(authorization.router).toBe('r2');
    // r2 never redeemed a code, so none of r1's token or SMTP events belong to it.
    expect(authorization.arrows.map((arrow) => arrow.seq)).toEqual([3]);
  });

  test('unknown host name falls back to token router', () => {
    const authorization = newestAuthorization(EVENTS.filter((event) => event.seq !== 3), () => undefined);
    expect(authorization.router).toBe('r1');
    expect(authorization.arrows.map((arrow) => arrow.seq)).toEqual([1, 2, 4, 5, 7]);
  });

  test('diagram labels the router', () => {
    const svg = renderSequenceDiagram(newestAuthorization(EVENTS, routerOf, 'r1')).markup;
    expect(svg).toContain('>Router r1</text>');
    expect(svg).toContain('aria-label="Sequence diagram of the newest OAuth authorization of router r1 (r1.drayddns.com)"');
  });

  test('empty timeline has no arrows', () => {
    expect(newestAuthorization([], routerOf)).toEqual({ arrows: [] });
    expect(newestAuthorization(EVENTS, routerOf, 'r3')).toEqual({ arrows: [] });
  });
});
