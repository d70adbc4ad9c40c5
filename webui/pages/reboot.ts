/** System Maintenance >> Reboot System: restart with the current or the factory default configuration. */
import { formChoice } from '../form';
import type { Session } from '../sessions';
import type { PageView } from '.';

const REBOOT_MODES = ['current', 'factory'] as const;

export const rebootPage: PageView = {
  get(_request, response, { page }) {
    response.render('reboot', { title: page.title, page });
  },

  post(request, response, { firmware, logger }) {
    const session = response.locals.session as Session;
    const mode = formChoice(request.body, 'rebootMode', REBOOT_MODES);
    const actor = `${session.user} (web UI from ${session.sourceAddress})`;
    response.render('restarting', {
      title: 'Restarting',
      message: mode === 'factory' ? 'The router is restoring factory default settings and restarting.' : 'The router is restarting with the current configuration.',
    });
    // The reply goes out first; the restart then ends every session.
    response.on('finish', () => {
      const restart = mode === 'factory' ? firmware.factoryReset(actor) : firmware.reboot(actor);
      restart.catch((error: unknown) => logger.error({ err: error }, 'Restart from the web UI failed'));
    });
  },
};
