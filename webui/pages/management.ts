/**
 * System Maintenance >> Management, General Setup: router name and auto-logout. The Internet access
 * control, access list, port, brute force and TLS sections are not emulated in this version.
 */
import type { ManagementConfig } from '../../firmware';
import { formCheckbox, formString } from '../form';
import type { Session } from '../sessions';
import { formNumber, saveSection } from './configForm';
import type { PageView } from '.';

export const managementPage: PageView = {
  get(_request, response, { firmware, page }) {
    response.render('management', { title: page.title, page, config: firmware.store.get<ManagementConfig>('management') });
  },

  async post(request, response, { firmware, page }) {
    const session = response.locals.session as Session;
    const current = firmware.store.get<ManagementConfig>('management');
    const submitted = {
      ...current,
      routerName: formString(request.body, 'routerName', { maxLength: 256 }),
      disableAutoLogout: formCheckbox(request.body, 'disableAutoLogout'),
      autoLogoutMinutes: formNumber(formString(request.body, 'autoLogoutMinutes', { maxLength: 16 })),
    };
    const fieldErrors = await saveSection(firmware, 'management', submitted, session);
    if (fieldErrors?.routerName) {
      const pattern = firmware.management.schema.properties.routerName.pattern;
      fieldErrors.routerName = disallowedCharactersError(pattern, submitted.routerName) ?? fieldErrors.routerName;
    }
    if (fieldErrors) {
      response.status(400).render('management', { title: page.title, page, config: submitted, fieldErrors, flash: { kind: 'error', text: 'The settings were not saved; correct the marked fields.' } });
      return;
    }
    session.flash = { kind: 'ok', text: 'The settings were saved.' };
    response.redirect(303, page.url);
  },
};

/**
 * Returns an error that names the characters of `value` that `pattern` (the schema's
 * `^[\x20-\x7e]+$`) rejects, or undefined when it rejects none. The schema's own pattern error only
 * reports that some character or form is not allowed.
 */
function disallowedCharactersError(pattern: string, value: string): string | undefined {
  // ajv 8 compiles schema patterns with the `u` flag, so one character is one code point here too.
  const allowed = new RegExp(pattern, 'u');
  const rejected = [...new Set([...value].filter((character) => !allowed.test(character)))];
  if (rejected.length === 0) return undefined;
  const list = rejected.map((character) => JSON.stringify(character)).join(', ');
  return `must contain only printable ASCII characters: letters without accents, digits, spaces and punctuation. Replace or remove ${list}.`;
}
