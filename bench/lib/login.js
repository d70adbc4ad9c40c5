'use strict';
/** Logging in to a router's web UI through its real login form, as a browser does. */

/**
 * Applies the Set-Cookie headers of a response to `jar` (a Map of cookie name to value) in their
 * order, as a browser does. A later cookie of the same name replaces an earlier one, and a cookie
 * that has already expired removes it.
 */
function storeCookies(jar, response) {
  for (const header of response.headers.getSetCookie()) {
    const [pair, ...attributes] = header.split(';').map((part) => part.trim());
    const separator = pair.indexOf('=');
    const name = pair.slice(0, separator);
    const expires = attributes.find((attribute) => /^expires=/i.test(attribute));
    const maxAge = attributes.find((attribute) => /^max-age=/i.test(attribute));
    const expired = (expires && Date.parse(expires.slice(8)) <= Date.now()) || (maxAge && Number(maxAge.slice(8)) <= 0);
    if (expired) jar.delete(name);
    else jar.set(name, pair.slice(separator + 1));
  }
}

function cookieHeader(jar) {
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

/**
 * Fetches the login form, posts the credentials with its CSRF token and returns the Cookie header
 * of the logged-in session. `lanUrl` is the router's web UI origin with a trailing slash.
 */
async function loginCookie(lanUrl, username = 'admin', password = 'admin') {
  const jar = new Map();
  const form = await fetch(new URL('login', lanUrl), { redirect: 'manual' });
  storeCookies(jar, form);
  if (form.status !== 200) throw new Error(`GET ${lanUrl}login returned HTTP ${form.status}`);
  const html = await form.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error(`The login page at ${lanUrl}login has no _csrf field`);

  const body = new URLSearchParams({ _csrf: token, username, password });
  const response = await fetch(new URL('login', lanUrl), { method: 'POST', redirect: 'manual', headers: { cookie: cookieHeader(jar), 'content-type': 'application/x-www-form-urlencoded' }, body });
  await response.arrayBuffer();
  if (response.status !== 303) throw new Error(`Logging in at ${lanUrl}login returned HTTP ${response.status}, expected 303`);
  storeCookies(jar, response);
  const cookie = cookieHeader(jar);
  if (!cookie) throw new Error(`Logging in at ${lanUrl}login set no session cookie`);
  return cookie;
}

module.exports = { loginCookie };
