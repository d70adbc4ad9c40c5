/**
 * Google accounts: creation with a password, suspension, and password changes. A password change
 * revokes the account's grants that hold Gmail scopes, as Google does.
 */
import { randomInt } from 'node:crypto';
import { hashPassword, verifyPassword, type PasswordHasher } from '../identity/credentials';
import { conflict, notFound } from '../identity/errors';
import { checkDisplayName, checkEmailAddress, checkPassword } from '../identity/validation';
import type { GoogleContext } from './context';
import type { GoogleAccount } from './model';
import { holdsGmailScope } from './scopes';

export interface NewAccount {
  email: string;
  displayName: string;
  password: string;
}

export class GoogleAccounts {
  constructor(private readonly context: GoogleContext) {}

  list(): GoogleAccount[] {
    return this.context.file.data.accounts;
  }

  find(email: string): GoogleAccount | undefined {
    const key = email.trim().toLowerCase();
    return this.list().find((account) => account.email === key || account.id === key);
  }

  require(email: string, field = 'email'): GoogleAccount {
    const account = this.find(email);
    if (account) return account;
    throw notFound(field, `No lab Google account has the address "${email}"; lab accounts are ${this.list().map((entry) => entry.email).join(', ') || 'none'}.`);
  }

  async create(input: NewAccount, hash: PasswordHasher = hashPassword): Promise<GoogleAccount> {
    const email = checkEmailAddress(input.email, 'email');
    if (this.find(email)) throw conflict('email', `A lab Google account already has the address ${email}.`);
    const account: GoogleAccount = {
      id: `1${Array.from({ length: 20 }, () => randomInt(10)).join('')}`,
      email,
      displayName: checkDisplayName(input.displayName, 'displayName'),
      passwordHash: await hash(checkPassword(input.password, 'password')),
      enabled: true,
      sendAs: [],
      createdAt: this.context.now(),
    };
    this.list().push(account);
    this.context.file.save();
    this.context.logger.info({ account: account.id, email }, 'Google account created');
    return account;
  }

  remove(account: GoogleAccount): void {
    const state = this.context.file.data;
    state.accounts.splice(state.accounts.indexOf(account), 1);
    state.grants = state.grants.filter((grant) => grant.email !== account.email);
    state.refreshTokens = state.refreshTokens.filter((token) => token.email !== account.email);
    for (const project of state.projects) project.consentScreen.testUsers = project.consentScreen.testUsers.filter((user) => user !== account.email);
    this.context.file.save();
    this.context.logger.info({ account: account.id }, 'Google account deleted');
  }

  setEnabled(account: GoogleAccount, enabled: boolean): void {
    account.enabled = enabled;
    this.context.file.save();
    this.context.logger.info({ account: account.id, enabled }, 'Google account suspension switched');
  }

  /** Changes the password and revokes every grant of the account that includes a Gmail scope. */
  async changePassword(account: GoogleAccount, password: string): Promise<{ revokedGrants: number }> {
    account.passwordHash = await hashPassword(checkPassword(password, 'password'));
    const state = this.context.file.data;
    const revoked = state.grants.filter((grant) => grant.email === account.email && holdsGmailScope(grant.scopes)).map((grant) => grant.id);
    state.grants = state.grants.filter((grant) => !revoked.includes(grant.id));
    state.refreshTokens = state.refreshTokens.filter((token) => !revoked.includes(token.grantId));
    this.context.file.save();
    this.context.logger.info({ account: account.id, revokedGrants: revoked.length }, 'Google account password changed');
    return { revokedGrants: revoked.length };
  }

  checkPassword(account: GoogleAccount, password: string): Promise<boolean> {
    return verifyPassword(account.passwordHash, password);
  }
}
