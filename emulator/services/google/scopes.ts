/**
 * The Google scopes the lab supports, with the consent screen's texts. `email` and `profile` are
 * short forms of the userinfo scopes, and token responses name the long forms.
 */

export interface GoogleScope {
  scope: string;
  aliases: string[];
  description: string;
  /** Sensitive and restricted scopes make an unverified app show the "Google hasn't verified this app" warning. */
  sensitive: boolean;
  /** Gmail scopes: a password change revokes them, and the device flow refuses them. */
  gmail: boolean;
}

export const GOOGLE_SCOPES: GoogleScope[] = [
  { scope: 'openid', aliases: [], description: 'Associate you with your personal info on Google', sensitive: false, gmail: false },
  { scope: 'https://www.googleapis.com/auth/userinfo.email', aliases: ['email'], description: 'See your primary Google Account email address', sensitive: false, gmail: false },
  { scope: 'https://www.googleapis.com/auth/userinfo.profile', aliases: ['profile'], description: "See your personal info, including any personal info you've made publicly available", sensitive: false, gmail: false },
  { scope: 'https://mail.google.com/', aliases: [], description: 'Read, compose, send, and permanently delete all your email from Gmail', sensitive: true, gmail: true },
  { scope: 'https://www.googleapis.com/auth/gmail.send', aliases: [], description: 'Send email on your behalf', sensitive: true, gmail: true },
];

export function findGoogleScope(text: string): GoogleScope | undefined {
  return GOOGLE_SCOPES.find((entry) => entry.scope === text || entry.aliases.includes(text));
}

/** Splits a scope parameter into canonical scopes; returns the unknown ones separately. */
export function parseGoogleScopes(value: string): { scopes: string[]; unknown: string[] } {
  const scopes: string[] = [];
  const unknown: string[] = [];
  for (const text of value.split(/\s+/).filter((entry) => entry.length > 0)) {
    const known = findGoogleScope(text);
    if (!known) unknown.push(text);
    else if (!scopes.includes(known.scope)) scopes.push(known.scope);
  }
  return { scopes, unknown };
}

export function holdsGmailScope(scopes: string[]): boolean {
  return scopes.some((scope) => findGoogleScope(scope)?.gmail);
}
