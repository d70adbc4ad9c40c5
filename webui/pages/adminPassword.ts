/** System Maintenance >> Administrator Password. */
import { ADMIN_PASSWORD_MAX_LENGTH, FirmwareError } from '../../firmware';
import { formCheckbox, formString } from '../form';
import type { Session } from '../sessions';
import type { PageView } from '.';

export const adminPasswordPage: PageView = {
  get(_request, response, { firmware, page }) {
    response.render('adminPassword', { title: page.title, page, maxLength: ADMIN_PASSWORD_MAX_LENGTH, allowInternetLogin: firmware.admin.allowsInternetLogin() });
  },

  async post(request, response, { firmware, page }) {
    const session = response.locals.session as Session;
    const allowInternetLogin = formCheckbox(request.body, 'allowInternetLogin');
    try {
      await firmware.admin.changePassword(
        {
          oldPassword: formString(request.body, 'oldPassword', { maxLength: 64 }),
          newPassword: formString(request.body, 'newPassword', { maxLength: 64 }),
          confirmPassword: formString(request.body, 'confirmPassword', { maxLength: 64 }),
          allowInternetLogin,
        },
        `${session.user} (web UI from ${session.sourceAddress})`,
      );
    } catch (error) {
      if (!(error instanceof FirmwareError)) throw error;
      response.status(400).render('adminPassword', {
        title: page.title,
        page,
        maxLength: ADMIN_PASSWORD_MAX_LENGTH,
        allowInternetLogin,
        fieldErrors: Object.fromEntries(error.fields.map((entry) => [entry.field, entry.message])),
        flash: { kind: 'error', text: error.message },
      });
      return;
    }
    session.flash = { kind: 'ok', text: 'The administrator password was changed.' };
    response.redirect(303, page.url);
  },
};
