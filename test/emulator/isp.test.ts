/** The lab ISP's address plan: fixed first addresses per router and WAN, spare ones after a renumbering. */
import type { AddressRequest } from '../../hal';
import { ISP_LAST_HOST } from '../../emulator/network/addressPlan';
import { homeAddress, LabIsp } from '../../emulator/network/isp';
import { MAX_ROUTERS } from '../../emulator/labOptions';

const DHCP: AddressRequest = { mode: 'dhcp' };

describe('LabIsp addresses', () => {
  test('first address ignores dial order', () => {
    const isp = new LabIsp();
    expect(isp.lease('r3', 'WAN1', DHCP).ip).toBe('203.0.113.12');
    expect(isp.lease('r2', 'WAN1', DHCP).ip).toBe('203.0.113.11');
    expect(isp.lease('r1', 'WAN2', DHCP).ip).toBe('198.51.100.10');
    expect(isp.lease('r1', 'WAN1', DHCP).ip).toBe('203.0.113.10');
  });

  test('gateway is host 1 of the pool', () => {
    const lease = new LabIsp().lease('r2', 'WAN2', DHCP);
    expect(lease).toMatchObject({ ip: '198.51.100.11', prefixLength: 24, gateway: '198.51.100.1' });
  });

  test('last router fits the pools', () => {
    const last = homeAddress(`r${MAX_ROUTERS}`, 'WAN2')!;
    expect(last).toMatch(/^198\.51\.100\.\d+$/);
    expect(Number(last.split('.')[3])).toBeLessThan(ISP_LAST_HOST);
  });

  test.each(['r0', 'r01', `r${MAX_ROUTERS + 1}`, 'lab'])('id %s has no home address', (id) => {
    expect(homeAddress(id, 'WAN1')).toBeUndefined();
  });

  test('renumber takes a spare address', () => {
    const isp = new LabIsp();
    isp.lease('r1', 'WAN1', DHCP);
    isp.renumber('r1', 'WAN1');
    expect(isp.lease('r1', 'WAN1', DHCP).ip).toBe(`203.0.113.${10 + MAX_ROUTERS}`);
    expect(isp.lineOptions('r1', 'WAN1').newAddressOnReconnect).toBe(false);
  });

  test('renumbered line keeps its new address', () => {
    const isp = new LabIsp();
    isp.lease('r1', 'WAN1', DHCP);
    isp.renumber('r1', 'WAN1');
    const renumbered = isp.lease('r1', 'WAN1', DHCP).ip;
    isp.release('r1', 'WAN1');
    expect(isp.lease('r1', 'WAN1', DHCP).ip).toBe(renumbered);
  });

  test('renumber spares other homes', () => {
    const isp = new LabIsp();
    isp.lease('r1', 'WAN1', DHCP);
    isp.renumber('r1', 'WAN1');
    isp.lease('r1', 'WAN1', DHCP);
    expect(isp.lease('r2', 'WAN1', DHCP).ip).toBe('203.0.113.11');
  });

  test('spares run out into freed addresses', () => {
    const isp = new LabIsp();
    const spares = 2 * (ISP_LAST_HOST - (10 + MAX_ROUTERS) + 1);
    isp.lease('r1', 'WAN1', DHCP);
    const seen = new Set<string>(['203.0.113.10']);
    for (let index = 0; index < spares; index += 1) {
      isp.renumber('r1', 'WAN1');
      seen.add(isp.lease('r1', 'WAN1', DHCP).ip);
    }
    expect(seen.size).toBe(spares + 1);
    isp.renumber('r1', 'WAN1');
    expect(isp.lease('r1', 'WAN1', DHCP).ip).toBe('203.0.113.10');
  });
});
