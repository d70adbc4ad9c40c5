/**
 * WAN >> Internet Access: per WAN, enable and the access mode (DHCP client, static IP or PPPoE) with
 * its settings. The stored PPPoE password is never sent back to the browser; an empty password
 * field keeps it.
 */
import { WAN_PORTS, type WanConfig, type WanPortConfig } from '../../firmware';
import { formCheckbox, formChoice, formString } from '../form';
import type { Session } from '../sessions';
import { formNumber, saveSection } from './configForm';
import type { PageView } from '.';

const MODES = ['dhcp', 'static', 'pppoe'] as const;

export const internetAccessPage: PageView = {
  get(_request, response, { firmware, page }) {
    const config = firmware.store.get<WanConfig>('wan');
    response.render('internetAccess', { title: page.title, page, config, passwordStored: passwordStored(config), errorsByWan: {} });
  },

  async post(request, response, { firmware, page }) {
    const session = response.locals.session as Session;
    const wan = formChoice(request.body, 'wan', WAN_PORTS);
    const config = firmware.store.get<WanConfig>('wan');
    const current = config[wan];
    const password = formString(request.body, 'pppoePassword', { maxLength: 256 });

    const submitted: WanPortConfig = {
      enabled: formCheckbox(request.body, 'enabled'),
      mode: formChoice(request.body, 'mode', MODES),
      static: {
        ip: formString(request.body, 'staticIp', { maxLength: 64 }).trim(),
        prefixLength: formNumber(formString(request.body, 'prefixLength', { maxLength: 16 })) as number,
        gateway: formString(request.body, 'gateway', { maxLength: 64 }).trim(),
        dns1: formString(request.body, 'dns1', { maxLength: 64 }).trim(),
        dns2: formString(request.body, 'dns2', { maxLength: 64 }).trim(),
      },
      pppoe: {
        username: formString(request.body, 'pppoeUsername', { maxLength: 256 }),
        password: password === '' ? current.pppoe.password : password,
      },
    };

    const fieldErrors = await saveSection(firmware, 'wan', { ...config, [wan]: submitted }, session, `wan.${wan}`);
    if (fieldErrors) {
      response.status(400).render('internetAccess', {
        title: page.title,
        page,
        config: { ...config, [wan]: submitted },
        // Read from the stored config, because a password typed into the rejected form was not stored.
        passwordStored: passwordStored(config),
        errorsByWan: { [wan]: fieldErrors },
        flash: { kind: 'error', text: `${wan} settings were not saved; correct the marked fields.` },
      });
      return;
    }
    session.flash = { kind: 'ok', text: `${wan} settings were saved; ${wan} reconnects with them.` };
    response.redirect(303, page.url);
  },
};

/** Maps each WAN to whether it has a stored PPPoE password, which an empty password field keeps. */
function passwordStored(config: WanConfig): Record<string, boolean> {
  return Object.fromEntries(WAN_PORTS.map((wan) => [wan, config[wan].pppoe.password !== '']));
}
