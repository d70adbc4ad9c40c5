import request from 'supertest';
import { oauthRelayApp, relayTarget } from '../../emulator/services/oauthRelay';

const state = (hostname: string) => `${Buffer.from(hostname).toString('base64url')}.random-part`;

describe('DrayDDNS OAuth relay', () => {
  test('forwards code and state to router', async () => {
    const response = await request(oauthRelayApp()).get('/doc/mailOAuth.htm').query({ code: 'abc', state: state('r1.drayddns.com') });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.location!);
    expect(location.origin).toBe('https://r1.drayddns.com');
    expect(location.pathname).toBe('/doc/mailOAuth.htm');
    expect(location.searchParams.get('code')).toBe('abc');
    expect(location.searchParams.get('state')).toBe(state('r1.drayddns.com'));
  });

  test('forwards provider errors', async () => {
    const response = await request(oauthRelayApp()).get('/doc/mailOAuth.htm').query({ error: 'access_denied', error_description: 'AADSTS65004: User declined', state: state('r2.drayddns.com') });
    const location = new URL(response.headers.location!);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('error_description')).toBe('AADSTS65004: User declined');
  });

  test('form_post is forwarded too', async () => {
    const response = await request(oauthRelayApp()).post('/doc/mailOAuth.htm').type('form').send({ code: 'xyz', state: state('r1.drayddns.com') });
    expect(response.status).toBe(302);
    expect(response.headers.location).toContain('code=xyz');
  });

  test.each([
    ['another domain', state('evil.example.com')],
    ['suffix trick', state('r1.drayddns.com.evil.example')],
    ['nested name', state('a.b.drayddns.com')],
    ['the relay itself', state('oauth2.drayddns.com')],
    ['no state', undefined],
    ['garbage', '!!!'],
  ])('%s is not forwarded', async (_label, value) => {
    const response = await request(oauthRelayApp()).get('/doc/mailOAuth.htm').query(value === undefined ? { code: 'abc' } : { code: 'abc', state: value });
    expect(response.status).toBe(400);
    expect(response.headers.location).toBeUndefined();
    expect(response.text).toContain('does not name a router in drayddns.com');
  });

  test('relayTarget lower-cases the name', () => {
    expect(relayTarget(state('R1.DrayDDNS.com'))).toBe('r1.drayddns.com');
  });
});
