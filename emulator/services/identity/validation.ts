/**
 * Checks of names, addresses and URIs shared by the lab API and the admin consoles. Each check
 * throws a DirectoryError that names the field.
 */
import { invalidInput } from './errors';

/** Maximum length of a display name; Entra allows 256 characters for users and apps. */
export const MAX_DISPLAY_NAME = 256;
/** Maximum length of a redirect URI; Entra allows 256 characters per redirect URI. */
export const MAX_REDIRECT_URI = 256;
/** Entra and Google both require 8 or more characters; 256 is Entra's maximum. */
export const PASSWORD_LENGTH = { min: 8, max: 256 };

const EMAIL = /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

export function checkDisplayName(value: string, field: string): string {
  const name = value.trim();
  if (name.length === 0) throw invalidInput(field, `"${field}" must not be empty.`);
  if (name.length > MAX_DISPLAY_NAME) throw invalidInput(field, `"${field}" must be at most ${MAX_DISPLAY_NAME} characters; got ${name.length}.`);
  if (/[\u0000-\u001f<>]/.test(name)) throw invalidInput(field, `"${field}" must not contain control characters, "<" or ">".`);
  return name;
}

export function checkEmailAddress(value: string, field: string): string {
  const address = value.trim().toLowerCase();
  if (!EMAIL.test(address)) throw invalidInput(field, `"${field}" must be an e-mail address such as alerts@example.com; got "${value.slice(0, 80)}".`);
  return address;
}

export function checkPassword(value: string, field: string): string {
  if (value.length < PASSWORD_LENGTH.min || value.length > PASSWORD_LENGTH.max) {
    throw invalidInput(field, `"${field}" must be ${PASSWORD_LENGTH.min} to ${PASSWORD_LENGTH.max} characters long; got ${value.length}.`);
  }
  return value;
}

/**
 * Checks a redirect URI as Entra and Google do at registration: an absolute https URL without a
 * fragment, or http only for localhost. Matching at sign-in is exact, so the URI is kept as given.
 */
export function checkRedirectUri(value: string, field: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidInput(field, `"${field}" must be an absolute URL such as https://oauth2.drayddns.com/doc/mailOAuth.htm; got "${value.slice(0, 80)}".`);
  }
  if (value.length > MAX_REDIRECT_URI) throw invalidInput(field, `"${field}" must be at most ${MAX_REDIRECT_URI} characters; got ${value.length}.`);
  const localhost = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && localhost)) {
    throw invalidInput(field, `"${field}" must start with https:// (http:// is allowed only for localhost); got "${value.slice(0, 80)}".`);
  }
  if (url.hash || value.includes('#')) throw invalidInput(field, `"${field}" must not contain a fragment (#); got "${value.slice(0, 80)}".`);
  return value;
}
