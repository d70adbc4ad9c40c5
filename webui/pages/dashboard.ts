/** Dashboard: model, firmware, uptime, front panel, WAN summary and system resources. */
import type { LanConfig } from '../../firmware';
import type { PageView } from '.';
import { wanStatuses } from './status';

export const dashboardPage: PageView = {
  async get(_request, response, { firmware, page }) {
    response.render('dashboard', {
      title: page.title,
      page,
      defaultPassword: await firmware.admin.usesDefaultPassword(),
      wans: wanStatuses(firmware),
      lan: firmware.store.read<LanConfig>('lan').LAN1,
      ports: firmware.hardware.ports.list(),
      leds: firmware.hardware.leds(),
      sensors: firmware.hardware.sensors.read(),
    });
  },
};
