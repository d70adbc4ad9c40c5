/** System Maintenance >> System Status: model, firmware, uptime, LAN and WAN facts. */
import type { LanConfig } from '../../firmware';
import type { PageView } from '.';
import { wanStatuses } from './status';

export const systemStatusPage: PageView = {
  get(_request, response, { firmware, page }) {
    response.render('systemStatus', {
      title: page.title,
      page,
      board: { serialNumber: firmware.hardware.board.serialNumber, mac: firmware.hardware.board.baseMac },
      lan: firmware.store.get<LanConfig>('lan').LAN1,
      wans: wanStatuses(firmware),
    });
  },
};
