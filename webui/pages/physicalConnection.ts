/** Online Status >> Physical Connection: live state of every WAN and the LAN ports. */
import type { PageView } from '.';
import { wanStatuses } from './status';
import { formatBytes } from '../format';

export const physicalConnectionPage: PageView = {
  get(_request, response, { firmware, page }) {
    response.render('physicalConnection', {
      title: page.title,
      page,
      wans: wanStatuses(firmware),
      lanPorts: firmware.hardware.ports.list().filter((port) => port.kind === 'lan'),
      formatBytes,
    });
  },
};
