/**
 * The AADSTS errors the emulated Entra ID produces, as data, with `{placeholders}` in the messages.
 * Each entry gives where the error can appear: as a JSON error of the token endpoint (OAuth error
 * and HTTP status), as an error the authorize step redirects back to the client, as the sign-in
 * site's HTML error page, or as a message on the sign-in form.
 *
 * NOTE: the messages of 7000215, 7000222 and 700082 match Entra replies quoted in public bug
 * reports; the others follow Microsoft's wording as far as it is known and may differ in detail.
 */

export interface AadstsEntry {
  code: number;
  /** The text after `AADSTS<code>: `. */
  message: string;
  token?: { error: string; status: number; suberror?: string };
  /** OAuth error of a redirect back to the client. */
  redirect?: string;
  /** Shown as the HTML error page, for errors that cannot be trusted to a redirect URI. */
  page?: boolean;
  /** Text the sign-in form shows next to the field. */
  signIn?: string;
}

const INVALID_GRANT = { error: 'invalid_grant', status: 400 };
const INVALID_REQUEST = { error: 'invalid_request', status: 400 };
const INVALID_CLIENT = { error: 'invalid_client', status: 401 };
const INVALID_SCOPE = { error: 'invalid_scope', status: 400 };

export const AADSTS: AadstsEntry[] = [
  { code: 50011, page: true, message: "The redirect URI '{redirectUri}' specified in the request does not match the redirect URIs configured for the application '{appId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this." },
  { code: 500113, page: true, message: 'No reply address is registered for the application.' },
  { code: 500112, token: INVALID_GRANT, message: "The reply address '{redirectUri}' does not match the reply address '{expected}' provided when requesting Authorization code." },
  { code: 700016, page: true, token: { error: 'unauthorized_client', status: 400 }, message: "Application with identifier '{appId}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant." },
  { code: 50194, page: true, token: INVALID_REQUEST, message: "Application '{appId}'({appName}) is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant." },
  { code: 7000215, token: INVALID_CLIENT, message: "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{appId}'." },
  { code: 7000222, token: INVALID_CLIENT, message: "The provided client secret keys for app '{appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds." },
  { code: 7000218, token: INVALID_CLIENT, message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'." },
  { code: 700025, token: INVALID_CLIENT, message: "Client is public so neither 'client_assertion' nor 'client_secret' should be presented." },
  { code: 65001, token: { ...INVALID_GRANT, suberror: 'consent_required' }, redirect: 'consent_required', message: "The user or administrator has not consented to use the application with ID '{appId}' named '{appName}'. Send an interactive authorization request for this user and resource." },
  { code: 65004, redirect: 'access_denied', message: 'User declined to consent to access the app.' },
  { code: 70000, token: INVALID_GRANT, message: "The provided value for the '{parameter}' parameter is not valid." },
  { code: 70008, token: INVALID_GRANT, message: 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.' },
  { code: 54005, token: INVALID_GRANT, message: 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.' },
  { code: 501481, token: INVALID_GRANT, message: 'The Code_Verifier does not match the code_challenge supplied in the authorization request.' },
  { code: 501491, redirect: 'invalid_request', message: 'Invalid size of Code_Challenge parameter.' },
  { code: 900144, token: INVALID_REQUEST, redirect: 'invalid_request', page: true, message: "The request body must contain the following parameter: '{parameter}'." },
  { code: 700082, token: { ...INVALID_GRANT, suberror: 'bad_token' }, message: 'The refresh token has expired due to inactivity. The token was issued on {issuedAt} and was inactive for 90.00:00:00.' },
  { code: 700084, token: INVALID_GRANT, message: 'The refresh token was issued to a single page app (SPA), and therefore has a fixed, limited lifetime of 1.00:00:00, which cannot be extended. It is now expired and a new sign in request must be sent by the SPA to the sign in page. The token was issued on {issuedAt}.' },
  { code: 9002327, token: INVALID_REQUEST, message: "Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests." },
  { code: 50173, token: { ...INVALID_GRANT, suberror: 'bad_token' }, message: "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '{issuedAt}' and the TokensValidFrom date (before which tokens are not valid) for this user is '{validFrom}'." },
  { code: 50057, token: INVALID_GRANT, page: true, signIn: 'Your account has been locked. Contact your support person to unlock it, then try again.', message: 'The user account is disabled.' },
  { code: 70011, token: INVALID_SCOPE, redirect: 'invalid_scope', message: "The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid." },
  { code: 28000, token: INVALID_SCOPE, redirect: 'invalid_scope', message: 'Provided value for the input parameter scope is not valid because it contains more than one resource. Scope {scope} is not valid.' },
  { code: 1002012, token: INVALID_SCOPE, message: 'The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).' },
  { code: 500011, token: { error: 'invalid_resource', status: 400 }, redirect: 'invalid_resource', message: 'The resource principal named {resource} was not found in the tenant named {tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.' },
  { code: 50126, signIn: "Your account or password is incorrect. If you don't remember your password, reset it now.", message: 'Error validating credentials due to invalid username or password.' },
  { code: 50034, signIn: 'This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin.', message: 'The user account {user} does not exist in the {tenant} directory. To sign into this application, the account must be added to the directory.' },
  { code: 50020, page: true, message: "User account '{user}' from identity provider 'https://sts.windows.net/{userTenantId}/' does not exist in tenant '{tenant}' and cannot access the application '{appId}'({appName}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Microsoft Entra user account." },
  { code: 50058, redirect: 'login_required', message: 'A silent sign-in request was sent but no user is signed in.' },
  { code: 16000, redirect: 'interaction_required', message: 'Either multiple user identities are available for the current request or selected account is not supported for the scenario.' },
  { code: 50089, page: true, message: 'Authentication failed due to flow token expired.' },
  { code: 90002, token: INVALID_REQUEST, page: true, message: "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant." },
  { code: 900023, token: INVALID_REQUEST, page: true, message: "Specified tenant identifier '{tenant}' is neither a valid DNS name, nor a valid external domain." },
  { code: 50059, token: INVALID_REQUEST, message: 'No tenant-identifying information found in either the request or implied by any provided credentials.' },
  { code: 700051, redirect: 'unsupported_response_type', message: "response_type '{responseType}' is not enabled for the application." },
  { code: 70003, token: { error: 'unsupported_grant_type', status: 400 }, message: "The app requested an unsupported grant type '{grantType}'." },
  // Microsoft's text ends after "invalid."; the lab appends which parameter was wrong.
  { code: 9002313, token: INVALID_REQUEST, redirect: 'invalid_request', page: true, message: 'Invalid request. Request is malformed or invalid. {detail}' },
];

const BY_CODE = new Map(AADSTS.map((entry) => [entry.code, entry]));

export function aadstsEntry(code: number): AadstsEntry {
  const entry = BY_CODE.get(code);
  if (!entry) throw new Error(`AADSTS${code} is not in the catalogue`);
  return entry;
}

/** Fills `{name}` placeholders; a missing value stays visible as `{name}` so the gap shows in tests. */
export function fillMessage(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => params[name] ?? placeholder);
}
