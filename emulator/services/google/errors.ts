/**
 * The errors of the emulated Google OAuth endpoints, as data: JSON errors of the token endpoint
 * (`{"error", "error_description"}` with status), error pages of the authorize step ("Error 400:
 * redirect_uri_mismatch"), and errors redirected to the client, with `{placeholders}`.
 * NOTE: "Token has been expired or revoked.", "Bad Request", "Unauthorized", "Could not determine
 * client ID from request." and "Missing code verifier." match Google replies quoted in public bug
 * reports; the other texts follow Google's wording as far as it is known.
 * Redirected errors carry only `error` and `state`, as Google's do; their descriptions here
 * document them for the lab.
 */

export interface GoogleErrorEntry {
  where: 'token' | 'page' | 'redirect';
  error: string;
  status: number;
  description: string;
  /** Heading of an error page. */
  heading?: string;
}

export const GOOGLE_ERRORS = {
  tokenExpiredOrRevoked: { where: 'token', error: 'invalid_grant', status: 400, description: 'Token has been expired or revoked.' },
  badCode: { where: 'token', error: 'invalid_grant', status: 400, description: 'Bad Request' },
  missingCodeVerifier: { where: 'token', error: 'invalid_grant', status: 400, description: 'Missing code verifier.' },
  invalidCodeVerifier: { where: 'token', error: 'invalid_grant', status: 400, description: 'Invalid code verifier.' },
  wrongClientSecret: { where: 'token', error: 'invalid_client', status: 401, description: 'Unauthorized' },
  clientNotFound: { where: 'token', error: 'invalid_client', status: 401, description: 'The OAuth client was not found.' },
  missingClientId: { where: 'token', error: 'invalid_request', status: 400, description: 'Could not determine client ID from request.' },
  missingClientSecret: { where: 'token', error: 'invalid_request', status: 400, description: 'client_secret is missing.' },
  tokenOfAnotherClient: { where: 'token', error: 'unauthorized_client', status: 401, description: 'Unauthorized' },
  tokenRedirectUriMismatch: { where: 'token', error: 'redirect_uri_mismatch', status: 400, description: 'Bad Request' },
  missingParameter: { where: 'token', error: 'invalid_request', status: 400, description: 'Missing required parameter: {parameter}' },
  repeatedParameter: { where: 'token', error: 'invalid_request', status: 400, description: 'Parameter given more than once: {parameter}' },
  unsupportedGrantType: { where: 'token', error: 'unsupported_grant_type', status: 400, description: 'Invalid grant_type: {grantType}' },
  deviceFlowScope: { where: 'token', error: 'invalid_scope', status: 400, description: 'Invalid device flow scope: {scope}' },
  invalidToken: { where: 'token', error: 'invalid_token', status: 400, description: 'Invalid Value' },
  revokeUnknownToken: { where: 'token', error: 'invalid_token', status: 400, description: 'Token expired or revoked' },
  // Lab text: the lab emulates the device flow only as far as rejecting Gmail scopes.
  deviceFlowNotEmulated: { where: 'token', error: 'invalid_request', status: 400, description: 'The lab does not emulate the device flow; it only rejects Gmail scopes there, as Google does.' },
  pageRedirectUriMismatch: {
    where: 'page',
    error: 'redirect_uri_mismatch',
    status: 400,
    heading: 'Access blocked: This app’s request is invalid',
    description: "You can’t sign in because this app sent an invalid request. If you're the app developer, register the redirect URI in the Google Cloud Console. Request details: redirect_uri={redirectUri}",
  },
  pageClientNotFound: { where: 'page', error: 'invalid_client', status: 401, heading: 'Access blocked: Authorization Error', description: 'The OAuth client was not found.' },
  pageTestersOnly: {
    where: 'page',
    error: 'access_denied',
    status: 403,
    heading: 'Access blocked: {appName} has not completed the Google verification process',
    description: '{appName} has not completed the Google verification process. The app is currently being tested, and can only be accessed by developer-approved testers. If you think you should have access, contact the developer.',
  },
  pageMissingParameter: { where: 'page', error: 'invalid_request', status: 400, heading: 'Access blocked: Authorization Error', description: 'Required parameter is missing: {parameter}' },
  pageInvalidParameter: { where: 'page', error: 'invalid_request', status: 400, heading: 'Access blocked: Authorization Error', description: 'Invalid parameter value for {parameter}: {value}' },
  pageInvalidScope: { where: 'page', error: 'invalid_scope', status: 400, heading: 'Access blocked: Authorization Error', description: 'Some requested scopes were invalid. {invalid=[{scopes}]}' },
  // Lab text for a sign-in form posted after its flow ended or expired.
  pageFlowExpired: { where: 'page', error: 'invalid_request', status: 400, heading: 'Something went wrong', description: 'This sign-in has expired or already finished. Start again from the app.' },
  accessDenied: { where: 'redirect', error: 'access_denied', status: 302, description: 'The user denied access.' },
  loginRequired: { where: 'redirect', error: 'login_required', status: 302, description: 'No user is signed in.' },
  consentRequired: { where: 'redirect', error: 'consent_required', status: 302, description: 'The user has not granted the requested scopes.' },
  interactionRequired: { where: 'redirect', error: 'interaction_required', status: 302, description: 'More than one account is signed in; the user must choose one.' },
} satisfies Record<string, GoogleErrorEntry>;

export type GoogleErrorKey = keyof typeof GOOGLE_ERRORS;

export class GoogleError extends Error {
  readonly entry: GoogleErrorEntry;

  constructor(
    readonly key: GoogleErrorKey,
    readonly params: Record<string, string> = {},
  ) {
    const entry: GoogleErrorEntry = GOOGLE_ERRORS[key];
    super(entry.description.replace(/\{(\w+)\}/g, (placeholder, name: string) => params[name] ?? placeholder));
    this.name = 'GoogleError';
    this.entry = entry;
  }

  get heading(): string {
    return (this.entry.heading ?? 'Access blocked').replace(/\{(\w+)\}/g, (placeholder, name: string) => this.params[name] ?? placeholder);
  }
}
