/**
 * The provider's memory cache of verified passwords: unit cases of VerifiedCredentials, and the
 * dyndns2 replies around it (a wrong or changed password still gets badauth after a success).
 */
import type { Lab } from '../../../emulator';
import { VerifiedCredentials } from '../../../emulator/services/ddns/verifiedCredentials';
import { startTestLab } from '../../helpers/lab';
import { makeAccount, provider, send } from './helpers';

describe('VerifiedCredentials', () => {
  test('remembered password matches', () => {
    const cache = new VerifiedCredentials();
    cache.remember('alice', 'hash-1', 'secret');
    expect(cache.matches('alice', 'hash-1', 'secret')).toBe(true);
  });

  test('other password does not match', () => {
    const cache = new VerifiedCredentials();
    cache.remember('alice', 'hash-1', 'secret');
    expect(cache.matches('alice', 'hash-1', 'Secret')).toBe(false);
  });

  test('new password hash voids entry', () => {
    const cache = new VerifiedCredentials();
    cache.remember('alice', 'hash-1', 'secret');
    expect(cache.matches('alice', 'hash-2', 'secret')).toBe(false);
    expect(cache.matches('alice', 'hash-1', 'secret')).toBe(false);
  });

  test('unknown user does not match', () => {
    const cache = new VerifiedCredentials();
    cache.remember('alice', 'hash-1', 'secret');
    expect(cache.matches('bob', 'hash-1', 'secret')).toBe(false);
  });

  test('entry expires after 10 minutes of host time', () => {
    const now = jest.spyOn(performance, 'now');
    try {
      const cache = new VerifiedCredentials();
      now.mockReturnValue(1_000);
      cache.remember('alice', 'hash-1', 'secret');
      now.mockReturnValue(1_000 + 10 * 60 * 1000 - 1);
      expect(cache.matches('alice', 'hash-1', 'secret')).toBe(true);
      now.mockReturnValue(1_000 + 10 * 60 * 1000);
      expect(cache.matches('alice', 'hash-1', 'secret')).toBe(false);
    } finally {
      now.mockRestore();
    }
  });

  test('keeps no password text', () => {
    const cache = new VerifiedCredentials();
    cache.remember('alice', 'hash-1', 'plain-secret-text');
    const entries = (cache as unknown as { entries: Map<string, { passwordMac: Buffer }> }).entries;
    expect(entries.get('alice')!.passwordMac.toString('latin1')).not.toContain('plain-secret-text');
  });
});

describe('update after a verified password', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await startTestLab();
  });

  afterAll(async () => {
    await lab.stop();
  });

  test('wrong password still gets badauth', async () => {
    const account = await makeAccount(lab, 'cachewrong');
    expect((await send(lab, { auth: account.auth, query: { hostname: account.hostname, myip: '203.0.113.81' } })).body).toBe('good 203.0.113.81');
    const reply = await send(lab, { auth: [account.username, 'not-the-password'], query: { hostname: account.hostname, myip: '203.0.113.82' } });
    expect(reply.body).toBe('badauth');
  });

  test('changed password voids the old one', async () => {
    const account = await makeAccount(lab, 'cachechange');
    expect((await send(lab, { auth: account.auth, query: { hostname: account.hostname, myip: '203.0.113.83' } })).body).toBe('good 203.0.113.83');
    await provider(lab).updateAccount(account.username, { password: 'cachechange-new-pass' });

    const old = await send(lab, { auth: account.auth, query: { hostname: account.hostname, myip: '203.0.113.84' } });
    expect(old.body).toBe('badauth');
    const renewed = await send(lab, { auth: [account.username, 'cachechange-new-pass'], query: { hostname: account.hostname, myip: '203.0.113.84' } });
    expect(renewed.body).toBe('good 203.0.113.84');
  });

  test('repeated update with cached password', async () => {
    const account = await makeAccount(lab, 'cacherepeat');
    expect((await send(lab, { auth: account.auth, query: { hostname: account.hostname, myip: '203.0.113.85' } })).body).toBe('good 203.0.113.85');
    expect((await send(lab, { auth: account.auth, query: { hostname: account.hostname, myip: '203.0.113.86' } })).body).toBe('good 203.0.113.86');
  });
});
