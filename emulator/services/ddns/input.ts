/**
 * Checks of the values the lab API and the console give a provider: user names, passwords,
 * hostnames and addresses. Each failure is a ProviderInputError that names the field.
 */
import { isIP } from 'node:net';
import type { ProviderDefinition } from './providers';
import { isFqdn } from './updateRequest';

/** A value the provider rejects; `field` names the input, `status` is the HTTP status the lab API uses. */
export class ProviderInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
    this.name = 'ProviderInputError';
  }
}

/** User names contain no colon, because HTTP Basic credentials end the user name at the first one. */
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const MAX_PASSWORD_LENGTH = 128;

export function checkUsername(username: string): string {
  if (!USERNAME.test(username)) {
    throw new ProviderInputError('username', `"username" must be 1 to 64 letters, digits, dots, dashes, underscores or @, starting with a letter or digit; got "${username}".`);
  }
  return username;
}

export function checkPassword(password: string): string {
  // eslint-disable-next-line no-control-regex
  if (password.length < 1 || password.length > MAX_PASSWORD_LENGTH || /[\u0000-\u001f\u007f]/.test(password)) {
    throw new ProviderInputError('password', `"password" must be 1 to ${MAX_PASSWORD_LENGTH} characters without control characters.`);
  }
  return password;
}

/** Returns the hostname in lower case after checking that it is one label under a domain of the provider. */
export function checkHostname(definition: ProviderDefinition, input: string): string {
  const hostname = input.trim().toLowerCase().replace(/\.$/, '');
  const domain = definition.domains.find((candidate) => hostname.endsWith(`.${candidate}`));
  const label = domain ? hostname.slice(0, -domain.length - 1) : '';
  if (!isFqdn(hostname) || !domain || label.includes('.')) {
    const examples = definition.domains.map((candidate) => `name.${candidate}`).join(' or ');
    throw new ProviderInputError('hostname', `"hostname" must be one label under ${definition.name}'s domains, such as ${examples}; got "${input}".`);
  }
  return hostname;
}

export function checkAddress(address: string | null): string | null {
  if (address !== null && isIP(address) !== 4) throw new ProviderInputError('address', `"address" must be an IPv4 address such as 203.0.113.10, or null; got "${address}".`);
  return address;
}
